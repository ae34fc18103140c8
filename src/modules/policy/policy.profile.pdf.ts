import { createRequire } from 'node:module';
import { translate, type Locale } from '@/server/i18n';
import type { ProfileOut } from '@/modules/policy/policy.profile.service';
import '@/modules/policy/policy.profile.messages';

/**
 * The country profile as a printable document: A4, DejaVu Sans (every letter of az/ru/en), the outline's
 * sections in order, each with the ministry's text, its figures (value, source and day), the policies and
 * partnerships that touch it, and in 2.1 PEER's comparison questions answered; at the end, how each figure was computed (in words; the exact query is in the
 * JSON); page numbers in the foot.
 */

const require = createRequire(import.meta.url);
const REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const BLUE = '#1f4e79';
const GREY = '#444444';

const day = (locale: Locale, iso: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'Asia/Baku' }).format(
    new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso),
  );

/** Renders a profile (live or an edition) in its language as a PDF. */
export async function profilePdf(profile: ProfileOut): Promise<Buffer> {
  const locale = profile.lang as Locale;
  const t = (code: string, params: Record<string, unknown> = {}) =>
    translate(locale, `policyProfile.${code}`, params);
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    bufferPages: true,
    info: { Title: `${profile.title}: ${profile.country}`, Author: profile.country },
    lang: locale,
  });
  doc.registerFont('body', REGULAR);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 112;

  doc.fillColor(BLUE).font('bold').fontSize(20).text(profile.title, { width });
  doc.moveDown(0.2).font('bold').fontSize(15).text(profile.country, { width });
  doc
    .moveDown(0.4)
    .fillColor(GREY)
    .font('body')
    .fontSize(10)
    .text(
      profile.edition
        ? t('edition', { number: profile.edition.number, date: day(locale, profile.edition.publishedAt) })
        : t('live', { date: day(locale, profile.generatedAt) }),
      { width },
    );
  if (profile.edition?.note) doc.text(profile.edition.note, { width });
  doc.moveDown(1);

  for (const section of profile.sections) {
    if (section.part) {
      doc
        .moveDown(0.6)
        .fillColor(BLUE)
        .font('bold')
        .fontSize(15)
        .text(`${section.part.id}. ${section.part.title}`, {
          width,
        });
    }
    doc
      .moveDown(0.5)
      .fillColor(BLUE)
      .font('bold')
      .fontSize(13)
      .text(`${section.id}. ${section.title}`, { width });
    doc.moveDown(0.3).fillColor('#000000').font('body').fontSize(10.5);
    for (const paragraph of section.text.split(/\n\s*\n/).filter((p) => p.trim())) {
      doc.text(paragraph.trim(), { width, align: 'left', paragraphGap: 4, lineGap: 1.5 });
    }
    if (section.figures.length) {
      doc.moveDown(0.4).fillColor(BLUE).font('bold').fontSize(11).text(t('figures'), { width });
      for (const f of section.figures) {
        doc.fillColor('#000000').font('bold').fontSize(10).text(`${f.label}: `, { width, continued: true });
        doc.font('body').text(f.display, { width });
        doc
          .fillColor(GREY)
          .fontSize(8.5)
          .text(t('source', { source: f.source, date: day(locale, f.asOf) }), { width, paragraphGap: 3 });
      }
    }
    if (section.documents.length) {
      doc.moveDown(0.4).fillColor(BLUE).font('bold').fontSize(11).text(t('documents'), { width });
      doc.fillColor('#000000').font('body').fontSize(9.5);
      for (const d of section.documents) {
        const number = d.number ? `, № ${d.number}` : '';
        doc.text(`• ${d.title} (${d.kindName}${number}; ${day(locale, d.adoptedOn)}; ${d.statusName})`, {
          width,
          paragraphGap: 2,
        });
      }
    }
    if (section.peer.length) {
      doc.moveDown(0.4).fillColor(BLUE).font('bold').fontSize(11).text(t('peer'), { width });
      doc.fillColor(GREY).font('body').fontSize(8.5).text(t('peerNote'), { width, paragraphGap: 3 });
      for (const q of section.peer) {
        doc.fillColor('#000000').font('body').fontSize(10).text(`${q.text} `, { width, continued: true });
        doc.font('bold').text(q.answerName, { width });
        doc.fillColor(GREY).font('body').fontSize(8.5);
        if (!q.documents.length) doc.text(t('peerNone'), { width, indent: 10, paragraphGap: 3 });
        for (const d of q.documents) {
          const number = d.number ? `, № ${d.number}` : '';
          const link = d.url ? `; ${d.url}` : '';
          doc.text(`• ${d.title} (${day(locale, d.adoptedOn)}${number}; ${d.statusName}${link})`, {
            width,
            indent: 10,
            paragraphGap: 2,
          });
        }
      }
    }
    if (section.partnerships.length) {
      doc.moveDown(0.4).fillColor(BLUE).font('bold').fontSize(11).text(t('partnerships'), { width });
      doc.fillColor('#000000').font('body').fontSize(9.5);
      for (const p of section.partnerships) {
        doc.text(`• ${p.partner}: ${p.contribution} (${day(locale, p.startedOn)})`, {
          width,
          paragraphGap: 2,
        });
      }
    }
  }

  // How each figure was computed, once each.
  const seen = new Set<string>();
  const figures = profile.sections
    .flatMap((s) => s.figures)
    .filter((f) => !seen.has(f.key) && seen.add(f.key));
  if (figures.length) {
    doc.addPage();
    doc.fillColor(BLUE).font('bold').fontSize(13).text(t('queries'), { width });
    doc.moveDown(0.2).fillColor(GREY).font('body').fontSize(9).text(t('queriesNote'), { width });
    for (const f of figures) {
      doc.moveDown(0.4).fillColor('#000000').font('bold').fontSize(9.5).text(f.label, { width });
      doc.font('body').fontSize(9).text(f.query, { width });
    }
  }

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .fillColor(GREY)
      .font('body')
      .fontSize(8)
      .text(t('page', { page: i + 1, pages: range.count }), 56, doc.page.height - 40, {
        width,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
