import { createRequire } from 'node:module';

/**
 * PDF documents for people to print or keep: A4, DejaVu Sans (shipped by the `dejavu-fonts-ttf` package,
 * so no system font is needed), which has every letter of Azerbaijani (ə, ğ, ı, İ, ş, ç, ö, ü), Russian and
 * English. pdfkit embeds only the glyphs a document uses.
 */

const require = createRequire(import.meta.url);
const REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/** One column of a table: its heading, its share of the page's width, and whether it holds numbers. */
export interface PdfColumn {
  heading: string;
  width: number;
  numeric?: boolean;
}

/** A document that is one titled table, repeated page by page with its header row. */
export interface PdfTable {
  title: string;
  /** Lines under the title: the plan, the date, what the figures mean. */
  subtitle: string[];
  columns: PdfColumn[];
  rows: (string | number)[][];
  /** Written at the foot of every page, e.g. "Page {page} of {pages}" already in the reader's language. */
  footer: (page: number, pages: number) => string;
}

const MARGIN = 36;
const FONT_SIZE = 8;
const ROW_GAP = 3;

/** Renders a table as a PDF. */
export async function tablePdf(table: PdfTable): Promise<Buffer> {
  // Loaded on first use: it costs every start a tenth of a second.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: table.title },
  });
  doc.registerFont('body', REGULAR);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 2 * MARGIN;
  const share = table.columns.reduce((s, c) => s + c.width, 0);
  const widths = table.columns.map((c) => (c.width / share) * width);
  const bottom = doc.page.height - MARGIN - 2 * FONT_SIZE;

  const row = (cells: (string | number)[], font: 'body' | 'bold') => {
    doc.font(font).fontSize(FONT_SIZE);
    const heights = cells.map((cell, i) => doc.heightOfString(String(cell), { width: widths[i]! - 4 }));
    const height = Math.max(...heights) + ROW_GAP;
    if (doc.y + height > bottom) {
      doc.addPage();
      if (font === 'body')
        row(
          table.columns.map((c) => c.heading),
          'bold',
        );
      doc.font(font).fontSize(FONT_SIZE);
    }
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const column = table.columns[i]!;
      doc.text(String(cell), x + 2, y, {
        width: widths[i]! - 4,
        align: column.numeric ? 'right' : 'left',
      });
      x += widths[i]!;
    });
    doc.y = y + height;
    doc
      .moveTo(MARGIN, doc.y - ROW_GAP / 2)
      .lineTo(MARGIN + width, doc.y - ROW_GAP / 2)
      .lineWidth(0.3)
      .strokeColor('#999999')
      .stroke();
  };

  doc.font('bold').fontSize(13).text(table.title, { width });
  doc.font('body').fontSize(9);
  for (const line of table.subtitle) doc.text(line, { width });
  doc.moveDown();
  row(
    table.columns.map((c) => c.heading),
    'bold',
  );
  for (const cells of table.rows) row(cells, 'body');

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    // Below the bottom margin pdfkit would start a new page; the footer belongs on this one.
    doc.page.margins.bottom = 0;
    doc
      .font('body')
      .fontSize(7)
      .text(table.footer(i + 1, range.count), MARGIN, doc.page.height - MARGIN, {
        width,
        align: 'center',
        lineBreak: false,
      });
  }
  doc.end();
  return done;
}
