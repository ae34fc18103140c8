import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import { translate, type Locale } from '@/server/i18n';
import '@/modules/training/training.certificates.messages';

/**
 * A certificate as a printable page: A4 landscape, DejaVu Sans (every letter of az/ru/en), the labels in the
 * reader's language and the names as written, and a QR code (drawn as vector squares) to its verification page.
 */

const require = createRequire(import.meta.url);
const REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export interface CertificatePage {
  id: string;
  issuerName: string;
  holderName: string;
  title: string;
  hours: number | null;
  issuedAt: Date;
  validUntil: Date | null;
  revoked: boolean;
  verifyUrl: string;
}

const day = (locale: Locale, at: Date) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'Asia/Baku' }).format(at);

/** Renders one certificate as a PDF. */
export async function certificatePdf(page: CertificatePage, locale: Locale): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const t = (code: string, params: Record<string, unknown> = {}) =>
    translate(locale, `training.certificates.pdf.${code}`, params);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    info: { Title: `${t('heading')}: ${page.title}`, Author: page.issuerName },
  });
  doc.registerFont('body', REGULAR);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const W = doc.page.width;
  const H = doc.page.height;
  const M = 48;
  const inner = W - 2 * M;
  doc
    .lineWidth(3)
    .strokeColor('#1f4e79')
    .rect(24, 24, W - 48, H - 48)
    .stroke();
  doc
    .lineWidth(0.8)
    .strokeColor('#1f4e79')
    .rect(32, 32, W - 64, H - 64)
    .stroke();

  doc
    .fillColor('#1f4e79')
    .font('bold')
    .fontSize(13)
    .text(page.issuerName, M, 60, { width: inner, align: 'center' });
  doc.font('bold').fontSize(40).text(t('heading').toUpperCase(), M, 95, { width: inner, align: 'center' });
  doc
    .fillColor('#333333')
    .font('body')
    .fontSize(14)
    .text(t('awarded'), M, 160, { width: inner, align: 'center' });
  doc
    .fillColor('#000000')
    .font('bold')
    .fontSize(28)
    .text(page.holderName, M, 185, { width: inner, align: 'center' });
  doc
    .fillColor('#333333')
    .font('body')
    .fontSize(14)
    .text(t('completed'), M, 235, { width: inner, align: 'center' });
  doc
    .fillColor('#000000')
    .font('bold')
    .fontSize(20)
    .text(`«${page.title}»`, M + 40, 260, {
      width: inner - 80,
      align: 'center',
    });
  let y = doc.y + 8;
  if (page.hours !== null) {
    doc
      .font('body')
      .fontSize(13)
      .text(t('hours', { hours: page.hours }), M, y, { width: inner, align: 'center' });
    y = doc.y;
  }

  // The foot: dates and number on the left, the QR code and its address on the right.
  const footY = H - 170;
  doc.fillColor('#000000').font('body').fontSize(11);
  doc.text(t('issued', { date: day(locale, page.issuedAt) }), M + 10, footY + 10, { width: inner * 0.6 });
  doc.text(
    page.validUntil ? t('valid_until', { date: day(locale, page.validUntil) }) : t('no_expiry'),
    M + 10,
    doc.y + 4,
    { width: inner * 0.6 },
  );
  doc
    .fontSize(9)
    .fillColor('#444444')
    .text(t('number', { id: page.id }), M + 10, doc.y + 4, { width: inner * 0.6 });
  doc.text(t('verify'), M + 10, doc.y + 10, { width: inner * 0.6 });
  doc.fillColor('#1f4e79').text(page.verifyUrl, M + 10, doc.y + 2, {
    width: inner * 0.62,
    link: page.verifyUrl,
    underline: true,
  });

  const qr = QRCode.create(page.verifyUrl, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const box = 112;
  const cell = box / size;
  const qx = W - M - box - 10;
  const qy = H - M - box - 10;
  doc.rect(qx - 6, qy - 6, box + 12, box + 12).fill('#ffffff');
  doc.fillColor('#000000');
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (qr.modules.get(r, c)) doc.rect(qx + c * cell, qy + r * cell, cell + 0.05, cell + 0.05);
    }
  }
  doc.fill('#000000');

  if (page.revoked) {
    doc.save();
    doc.rotate(-20, { origin: [W / 2, H / 2] });
    doc
      .fillColor('#c00000')
      .opacity(0.35)
      .font('bold')
      .fontSize(90)
      .text(t('revoked'), 0, H / 2 - 50, {
        width: W,
        align: 'center',
      });
    doc.restore();
  }
  void y;
  doc.end();
  return done;
}
