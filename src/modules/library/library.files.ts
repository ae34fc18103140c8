import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { crc32 } from 'node:zlib';
import {
  bufferSource,
  openArchive,
  withFileSource,
  type ArchiveLimits,
  type ArchiveSource,
} from '@/server/archive';
import { AppError } from '@/server/errors';

/**
 * What an uploaded file is, told by its content (never by its name or the type the client claims): its first
 * bytes name a candidate kind, its structure decides (`identify`); and which roles accept which kinds. Each kind has its size limit.
 */

/** The kinds of file the library accepts. */
export type FileKind =
  'mp4' | 'webm' | 'mkv' | 'mp3' | 'm4a' | 'ogg' | 'wav' | 'pdf' | 'epub' | 'vtt' | 'jpeg' | 'png';

/** Each kind's content type, whether it is media to process, and its size limit. */
export const KINDS: Record<
  FileKind,
  { contentType: string; media: 'video' | 'audio' | null; maxBytes: number }
> = {
  mp4: { contentType: 'video/mp4', media: 'video', maxBytes: 4 * 1024 ** 3 },
  webm: { contentType: 'video/webm', media: 'video', maxBytes: 4 * 1024 ** 3 },
  mkv: { contentType: 'video/x-matroska', media: 'video', maxBytes: 4 * 1024 ** 3 },
  mp3: { contentType: 'audio/mpeg', media: 'audio', maxBytes: 500 * 1024 ** 2 },
  m4a: { contentType: 'audio/mp4', media: 'audio', maxBytes: 500 * 1024 ** 2 },
  ogg: { contentType: 'audio/ogg', media: 'audio', maxBytes: 500 * 1024 ** 2 },
  wav: { contentType: 'audio/wav', media: 'audio', maxBytes: 2 * 1024 ** 3 },
  pdf: { contentType: 'application/pdf', media: null, maxBytes: 500 * 1024 ** 2 },
  epub: { contentType: 'application/epub+zip', media: null, maxBytes: 500 * 1024 ** 2 },
  vtt: { contentType: 'text/vtt', media: null, maxBytes: 10 * 1024 ** 2 },
  jpeg: { contentType: 'image/jpeg', media: null, maxBytes: 20 * 1024 ** 2 },
  png: { contentType: 'image/png', media: null, maxBytes: 20 * 1024 ** 2 },
};

/** The largest file any role accepts: what an upload may declare before its kind is known. */
export const MAX_UPLOAD_BYTES = Math.max(...Object.values(KINDS).map((k) => k.maxBytes));

/** Which kinds each upload role accepts. */
export const ROLE_KINDS: Record<'main' | 'caption' | 'transcript' | 'attachment', readonly FileKind[]> = {
  main: ['mp4', 'webm', 'mkv', 'mp3', 'm4a', 'ogg', 'wav', 'pdf', 'epub'],
  caption: ['vtt'],
  transcript: ['vtt', 'pdf'],
  attachment: ['pdf', 'epub', 'jpeg', 'png'],
};

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');

/** Tells a file's kind from its first bytes (at least 64 of them); null when it is none the library takes. */
export function sniff(head: Buffer): FileKind | null {
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    return brand.startsWith('M4A') || brand.startsWith('M4B') ? 'm4a' : 'mp4';
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) {
    return head.subarray(0, 64).includes(Buffer.from('webm')) ? 'webm' : 'mkv';
  }
  if (ascii(head, 0, 3) === 'ID3' || (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0)) {
    return 'mp3';
  }
  if (ascii(head, 0, 4) === 'OggS') return 'ogg';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') return 'wav';
  if (ascii(head, 0, 5) === '%PDF-') return 'pdf';
  // An EPUB is a ZIP whose first entry is the uncompressed `mimetype` file.
  if (ascii(head, 0, 4) === 'PK\x03\x04' && ascii(head, 30, 58) === 'mimetypeapplication/epub+zip')
    return 'epub';
  const text = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
  if (ascii(text, 0, 6) === 'WEBVTT' && (text.length === 6 || /[\s]/.test(ascii(text, 6, 7)))) return 'vtt';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (ascii(head, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  return null;
}

/** The SHA-256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Tells a file's kind by its structure, not by its first bytes alone: the first bytes name a candidate kind
 * (`sniff`), and the file is that kind only when its structure holds all the way (see `structureHolds`). A
 * PNG header followed by HTML, a JPEG with a ZIP after its end, a PDF that is also an HTML page: refused.
 * Read in bounded chunks, with async reads, so a large video neither fills memory nor holds the event loop.
 */
export async function identify(path: string): Promise<FileKind | null> {
  return withFileSource(path, identifySource);
}

/** `identify` for bytes already in memory (a student's hand-in): the same checks. */
export async function identifyBuffer(bytes: Buffer): Promise<FileKind | null> {
  return identifySource(bufferSource(bytes));
}

async function identifySource(source: ArchiveSource): Promise<FileKind | null> {
  const kind = sniff(Buffer.from(await source.read(0, 64)));
  if (kind === null) return null;
  return (await structureHolds(kind, source)) ? kind : null;
}

/** Whether a file whose first bytes say `kind` is built as one all the way. */
export async function structureHolds(kind: FileKind, source: ArchiveSource): Promise<boolean> {
  const reader = new Reader(source);
  switch (kind) {
    case 'png':
      return isPng(reader);
    case 'jpeg':
      return isJpeg(reader);
    case 'pdf':
      return isPdf(reader);
    case 'wav':
      return isWav(reader);
    case 'vtt':
      return isVtt(reader);
    case 'mp4':
    case 'm4a':
      return isIsoMedia(reader);
    case 'epub':
      return isEpubSource(source);
    // WebM, Matroska, MP3 and Ogg are probed by ffprobe when they are processed.
    case 'webm':
    case 'mkv':
    case 'mp3':
    case 'ogg':
      return true;
  }
}

/** How much a structural check reads at a time. */
const WINDOW = 1024 * 1024;

/** Reads a source through one cached window of `WINDOW` bytes. */
class Reader {
  private window = Buffer.alloc(0);
  private start = 0;
  constructor(private readonly source: ArchiveSource) {}
  get size() {
    return this.source.size;
  }
  /** The bytes [position, position + length), fewer at the end of the file. */
  async bytes(position: number, length: number): Promise<Buffer> {
    const offset = position - this.start;
    if (offset >= 0 && offset + length <= this.window.length)
      return this.window.subarray(offset, offset + length);
    if (length > WINDOW) return Buffer.from(await this.source.read(position, length));
    this.window = Buffer.from(await this.source.read(position, WINDOW));
    this.start = position;
    return this.window.subarray(0, length);
  }
  /** Exactly `length` bytes at `position`, or null when the file ends before. */
  async exactly(position: number, length: number): Promise<Buffer | null> {
    if (position < 0 || position + length > this.size) return null;
    const bytes = await this.bytes(position, length);
    return bytes.length === length ? bytes : null;
  }
  /** Feeds the bytes [position, end) to `each`, at most `WINDOW` at a time. */
  async each(position: number, end: number, each: (chunk: Buffer, at: number) => boolean | void) {
    for (let at = position; at < end;) {
      const chunk = await this.bytes(at, Math.min(WINDOW, end - at));
      if (chunk.length === 0) return false;
      if (each(chunk, at) === false) return false;
      at += chunk.length;
    }
    return true;
  }
}

const PNG_SIGNATURE = Buffer.from('\x89PNG\r\n\x1a\n', 'latin1');
/** Bit depths each PNG colour type allows. */
const PNG_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/**
 * A PNG: the signature, IHDR first (13 bytes, a sane size and pixel format), every chunk whole with its
 * CRC-32 right, at least one IDAT, and IEND last, exactly at the end of the file.
 */
async function isPng(r: Reader): Promise<boolean> {
  const signature = await r.exactly(0, 8);
  if (!signature?.equals(PNG_SIGNATURE)) return false;
  let position = 8;
  let idat = false;
  for (let index = 0; ; index++) {
    const header = await r.exactly(position, 8);
    if (!header) return false;
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) return false;
    const end = position + 12 + length;
    if (end > r.size) return false;
    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) return false;
      const ihdr = (await r.exactly(position + 8, 13))!;
      const width = ihdr.readUInt32BE(0);
      const height = ihdr.readUInt32BE(4);
      const [depth, colour, compression, filter, interlace] = [
        ihdr[8]!,
        ihdr[9]!,
        ihdr[10],
        ihdr[11],
        ihdr[12]!,
      ];
      if (width < 1 || height < 1 || width > 65535 || height > 65535) return false;
      if (!PNG_DEPTHS[colour]?.includes(depth) || compression !== 0 || filter !== 0 || interlace > 1)
        return false;
    } else if (type === 'IHDR') return false;
    let crc = crc32(header.subarray(4, 8));
    await r.each(position + 8, position + 8 + length, (chunk) => {
      crc = crc32(chunk, crc);
    });
    const stored = await r.exactly(position + 8 + length, 4);
    if (!stored || stored.readUInt32BE(0) !== crc) return false;
    if (type === 'IDAT') idat = true;
    position = end;
    if (type === 'IEND') return length === 0 && idat && end === r.size;
  }
}

/** JPEG markers that stand alone, without a length: TEM and RST0–RST7. */
const standalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
/** The start-of-frame markers: SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC). */
const startOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * A JPEG: SOI, marker segments each whole by its length, a frame header, a scan (SOS) with its
 * entropy-coded data, and EOI at the end of the file — after it only zero padding, nothing else.
 */
async function isJpeg(r: Reader): Promise<boolean> {
  const soi = await r.exactly(0, 2);
  if (!soi || soi[0] !== 0xff || soi[1] !== 0xd8) return false;
  let position = 2;
  let frame = false;
  let scan = false;
  for (;;) {
    const mark = await r.exactly(position, 2);
    if (!mark || mark[0] !== 0xff) return false;
    let marker = mark[1]!;
    // Fill bytes: any number of 0xFF before a marker.
    while (marker === 0xff) {
      position++;
      const next = await r.exactly(position + 1, 1);
      if (!next) return false;
      marker = next[0]!;
    }
    if (marker === 0xd9) {
      if (!frame || !scan) return false;
      return onlyZeros(r, position + 2);
    }
    if (marker === 0xd8 || marker === 0x00) return false;
    if (standalone(marker)) {
      position += 2;
      continue;
    }
    const lengthBytes = await r.exactly(position + 2, 2);
    if (!lengthBytes) return false;
    const length = lengthBytes.readUInt16BE(0);
    const end = position + 2 + length;
    if (length < 2 || end > r.size) return false;
    if (startOfFrame(marker)) {
      const sof = await r.exactly(position + 4, length - 2);
      if (!sof || sof.length < 6) return false;
      const width = sof.readUInt16BE(3);
      const components = sof[5]!;
      if (frame || width === 0 || components === 0 || length !== 8 + 3 * components) return false;
      frame = true;
    }
    if (marker !== 0xda) {
      position = end;
      continue;
    }
    // SOS: the scan header, then entropy-coded data up to the next marker that is not RSTn or a stuffed 0.
    const sos = await r.exactly(position + 4, 1);
    if (!frame || !sos || length !== 6 + 2 * sos[0]! || sos[0] === 0) return false;
    scan = true;
    const next = await entropyEnd(r, end);
    if (next === null) return false;
    position = next;
  }
}

/** Where the entropy-coded data starting at `position` ends: the position of the next real marker. */
async function entropyEnd(r: Reader, position: number): Promise<number | null> {
  for (let at = position; at < r.size;) {
    const chunk = await r.bytes(at, Math.min(WINDOW, r.size - at));
    let i = chunk.indexOf(0xff);
    while (i !== -1) {
      if (i + 1 >= chunk.length) break;
      const b = chunk[i + 1]!;
      if (b !== 0x00 && !(b >= 0xd0 && b <= 0xd7) && b !== 0xff) return at + i;
      i = chunk.indexOf(0xff, b === 0xff ? i + 1 : i + 2);
    }
    // A 0xFF as the chunk's last byte is read again with the next chunk.
    const advance = i !== -1 ? i : chunk.length;
    if (advance === 0) return null;
    at += advance;
  }
  return null;
}

/** Whether everything from `position` to the end of the file is zero bytes. */
async function onlyZeros(r: Reader, position: number): Promise<boolean> {
  return r.each(position, r.size, (chunk) => chunk.every((b) => b === 0));
}

/** The tags that make a PDF's first bytes an HTML page for a browser that sniffs. */
const HTML_TAGS = ['<html', '<script', '<!doctype html', '<body', '<iframe', '<svg'];

/**
 * A PDF: a `%PDF-1.x`/`%PDF-2.0` header at byte 0, no HTML in the first 1,024 bytes, a `%%EOF` in the last
 * 1,024, and the `startxref` before it pointing at an `xref` table or a cross-reference stream object
 * inside the file. A PDF cut short has no such end, and is refused.
 */
async function isPdf(r: Reader): Promise<boolean> {
  const head = (await r.bytes(0, 1024)).toString('latin1');
  if (!/^%PDF-(?:1\.[0-7]|2\.0)(?![0-9])/.test(head)) return false;
  const lower = head.toLowerCase();
  if (HTML_TAGS.some((tag) => lower.includes(tag))) return false;
  const tailStart = Math.max(0, r.size - 1024);
  const tail = (await r.bytes(tailStart, r.size - tailStart)).toString('latin1');
  const eof = tail.lastIndexOf('%%EOF');
  if (eof === -1) return false;
  const startxref = [...tail.slice(0, eof + 5).matchAll(/startxref\s+(\d+)\s+%%EOF/g)].pop();
  if (!startxref) return false;
  const offset = Number(startxref[1]);
  if (!Number.isSafeInteger(offset) || offset >= tailStart + startxref.index) return false;
  const at = (await r.bytes(offset, 64)).toString('latin1');
  return /^\s*xref\s/.test(at) || /^\s*\d+\s+\d+\s+obj\b/.test(at);
}

/**
 * A WAV: its RIFF size agrees with the file's (give or take a padding byte), its chunks are whole, and a
 * `fmt ` chunk (a format, channels, a sample rate) comes before the `data` chunk.
 */
async function isWav(r: Reader): Promise<boolean> {
  const header = await r.exactly(0, 12);
  if (!header) return false;
  const end = header.readUInt32LE(4) + 8;
  if (Math.abs(end - r.size) > 1) return false;
  const limit = Math.min(end, r.size);
  let format = false;
  for (let position = 12; position + 8 <= limit;) {
    const chunk = (await r.exactly(position, 8))!;
    const id = chunk.toString('latin1', 0, 4);
    const length = chunk.readUInt32LE(4);
    if (position + 8 + length > limit) return false;
    if (id === 'fmt ') {
      const fmt = await r.exactly(position + 8, 16);
      if (format || length < 16 || !fmt || fmt.readUInt16LE(2) === 0 || fmt.readUInt32LE(4) === 0)
        return false;
      format = true;
    }
    if (id === 'data') return format;
    position += 8 + length + (length & 1);
  }
  return false;
}

/** A WebVTT file: valid UTF-8 all the way, with no NUL byte. */
async function isVtt(r: Reader): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    const whole = await r.each(0, r.size, (chunk) => {
      if (chunk.includes(0)) return false;
      decoder.decode(chunk, { stream: true });
    });
    decoder.decode();
    return whole;
  } catch {
    return false;
  }
}

/**
 * An MP4 or M4A: top-level boxes each with a sane size, `ftyp` first, a `moov` among them, the last one
 * ending exactly at the end of the file. What is inside is left to ffprobe when the file is processed.
 */
async function isIsoMedia(r: Reader): Promise<boolean> {
  let moov = false;
  for (let position = 0, index = 0; position < r.size; index++) {
    const header = await r.exactly(position, 8);
    if (!header) return false;
    const type = header.toString('latin1', 4, 8);
    if (!/^[\x20-\x7e\xa9]{4}$/.test(type) || (index === 0 && type !== 'ftyp')) return false;
    let size = header.readUInt32BE(0);
    if (size === 1) {
      const large = await r.exactly(position + 8, 8);
      if (!large) return false;
      size = Number(large.readBigUInt64BE(0));
      if (size < 16) return false;
    } else if (size === 0) {
      size = r.size - position;
    } else if (size < 8) return false;
    if (type === 'moov') moov = true;
    position += size;
    if (position > r.size) return false;
  }
  return moov;
}

/**
 * What the EPUB check may unpack (see src/server/archive.ts): it reads only `mimetype` and
 * `META-INF/container.xml`, each at most 1 MB, from a book of up to 500 MB on disk.
 */
export const EPUB_CHECK_LIMITS: ArchiveLimits = {
  maxEntries: 20_000,
  maxEntryBytes: 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024,
  maxRatio: 100,
};

/**
 * Whether an archive is an EPUB a reader can open: a whole ZIP whose first entry is the stored `mimetype`,
 * and whose `META-INF/container.xml` names a package document that is in the archive. Read through the
 * bounded unpacking of src/server/archive.ts: an archive it refuses (damaged, too many entries, a bomb) is
 * no EPUB.
 */
async function isEpubSource(source: ArchiveSource): Promise<boolean> {
  try {
    const archive = await openArchive(source, EPUB_CHECK_LIMITS);
    // The first entry, at the very start of the file, is `mimetype`, stored, holding exactly the EPUB type.
    const first = archive.entries[0];
    if (!first || first.name !== 'mimetype' || first.localOffset !== 0 || first.method !== 0) return false;
    if (Buffer.from(await archive.read(first)).toString('latin1') !== 'application/epub+zip') return false;
    const container = archive.entries.find((e) => e.name === 'META-INF/container.xml');
    if (!container) return false;
    const xml = Buffer.from(await archive.read(container)).toString('utf8');
    const rootfile = /<rootfile\b[^>]*\bfull-path\s*=\s*["']([^"']+)["']/.exec(xml)?.[1];
    return rootfile !== undefined && archive.entries.some((e) => e.name === decodeXml(rootfile));
  } catch (error) {
    if (error instanceof AppError) return false;
    throw error;
  }
}

const decodeXml = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|apos);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!,
  );
