import { crc32, deflateSync } from 'node:zlib';

/**
 * Small files that hold their structure (src/modules/library/library.files.ts checks it): a PDF padded to a
 * size, and a PNG of one pixel.
 */

/** A minimal valid PDF (a catalog, no pages), padded with a comment to `size` bytes when given. */
export function pdfBytes(size = 0): Buffer {
  const head = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const objects = [
    '1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n',
    '2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n',
  ];
  const tailFor = (padding: string) => {
    let offset = head.length + padding.length;
    const entries = objects.map((o) => {
      const entry = `${String(offset).padStart(10, '0')} 00000 n \n`;
      offset += o.length;
      return entry;
    });
    const xref = `xref\n0 3\n0000000000 65535 f \n${entries.join('')}`;
    return `${objects.join('')}${xref}trailer <</Size 3 /Root 1 0 R>>\nstartxref\n${offset}\n%%EOF\n`;
  };
  // The padding comes first (a comment line), so the offsets are counted after it.
  let padding = '';
  for (let missing = size - head.length - tailFor('').length; missing > 2;) {
    padding = `%${' '.repeat(missing - 2)}\n`;
    missing -= head.length + padding.length + tailFor(padding).length - size;
    if (head.length + padding.length + tailFor(padding).length === size) break;
  }
  return Buffer.from(head + padding + tailFor(padding), 'latin1');
}

const chunk = (type: string, data: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/** A valid PNG of one red pixel. */
export function pngBytes(): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A PNG of `width`×`height` pixels of one colour. With `headerOnly`, its IDAT holds a few bytes only: the
 * structure holds but the pixels are not all there — how a decompression bomb announces its size.
 */
export function solidPng(width: number, height: number, rgb: [number, number, number], headerOnly = false) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = headerOnly
    ? Buffer.from([0, 0, 0, 0])
    : Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
