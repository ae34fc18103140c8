import { identifyBuffer } from '@/modules/library/library.files';

/**
 * What a cover image is, told by its bytes (never by its name or the type the client claims), and its size in
 * pixels read from its header. JPEG and PNG are checked by the library's structure checks
 * (src/modules/library/library.files.ts: a PNG header followed by HTML is refused); WebP by its RIFF chunks.
 */

export type CoverKind = 'jpeg' | 'png' | 'webp';
export const COVER_TYPES: Record<
  CoverKind,
  { contentType: 'image/jpeg' | 'image/png' | 'image/webp'; ext: string }
> = {
  jpeg: { contentType: 'image/jpeg', ext: 'jpg' },
  png: { contentType: 'image/png', ext: 'png' },
  webp: { contentType: 'image/webp', ext: 'webp' },
};

/** A WebP file: RIFF whose declared size is the file's, form WEBP, chunks that fit. */
function isWebp(b: Buffer): boolean {
  if (b.length < 20 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP')
    return false;
  if (b.readUInt32LE(4) + 8 !== b.length) return false;
  let at = 12;
  while (at < b.length) {
    if (at + 8 > b.length) return false;
    const type = b.toString('latin1', at, at + 4);
    if (!/^[A-Z0-9 ]{4}$/.test(type)) return false;
    const size = b.readUInt32LE(at + 4);
    at += 8 + size + (size % 2);
    if (at > b.length) return false;
  }
  return at === b.length;
}

/** The width and height of a JPEG, from its first start-of-frame marker. */
function jpegSize(b: Buffer): { width: number; height: number } | null {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > b.length) return null;
      return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return null;
}

/** The width and height of a WebP (lossy VP8, lossless VP8L or extended VP8X). */
function webpSize(b: Buffer): { width: number; height: number } | null {
  const type = b.toString('latin1', 12, 16);
  if (type === 'VP8X' && b.length >= 30)
    return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  if (type === 'VP8 ' && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a)
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (type === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  return null;
}

/** An image's kind and size in pixels; null when it is no whole JPEG, PNG or WebP. */
export async function readImage(
  bytes: Buffer,
): Promise<{ kind: CoverKind; width: number; height: number } | null> {
  if (isWebp(bytes)) {
    const size = webpSize(bytes);
    return size && size.width > 0 && size.height > 0 ? { kind: 'webp', ...size } : null;
  }
  const kind = await identifyBuffer(bytes);
  if (kind === 'png') return { kind, width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (kind === 'jpeg') {
    const size = jpegSize(bytes);
    return size && size.width > 0 && size.height > 0 ? { kind, ...size } : null;
  }
  return null;
}
