import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { openArchive, withFileSource, type ArchiveLimits } from '@/server/archive';
import { AppError } from '@/server/errors';

/**
 * What an uploaded file is, told by its first bytes (never by its name or the type the client claims), and
 * which roles accept which kinds. Each kind has its size limit.
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

/** Reads a file's first bytes. */
export async function readHead(path: string, bytes = 64): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The SHA-256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Tells a file's kind by content, looking past the first bytes where they are not enough: a file that starts
 * like an EPUB is one only if it is a whole ZIP whose first entry is the stored `mimetype`, and whose
 * `META-INF/container.xml` names a package document that is in the archive. A ZIP that merely starts with
 * the right bytes is refused: no reader could open it.
 */
export async function identify(path: string): Promise<FileKind | null> {
  const kind = sniff(await readHead(path));
  if (kind === 'epub' && !(await isEpub(path))) return null;
  return kind;
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
 * Whether a file is an EPUB a reader can open (see `identify`). Read through the bounded unpacking of
 * src/server/archive.ts: an archive it refuses (damaged, too many entries, a bomb) is no EPUB.
 */
export async function isEpub(path: string): Promise<boolean> {
  try {
    return await withFileSource(path, async (source) => {
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
    });
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
