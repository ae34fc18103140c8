import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { Inflate } from 'fflate';
import { AppError } from '@/server/errors';
import { defineMessages } from '@/server/i18n';

/**
 * Bounded unpacking of ZIP archives, the one way the platform reads any archive a person uploads (XLSX
 * workbooks, OneRoster zips, EPUB books). The central directory is read first: too many entries and the
 * file is refused before anything is unpacked. Only the entries the reader asks for are unpacked at all
 * (a workbook's pictures are never inflated); each is inflated in small steps, and the bytes it really
 * produces are counted as they come, whatever its headers claim: past the per-entry or total limit, or
 * packed more tightly than real files are, it is refused at once (413), never inflated to the end first.
 * A damaged, truncated or lying archive (sizes or CRC not matching, an unknown method, encryption) is 422.
 */

/** The limits of one read. */
export interface ArchiveLimits {
  /** The most entries the archive may list (all of them, wanted or not). */
  maxEntries: number;
  /** The most one unpacked entry may hold. */
  maxEntryBytes: number;
  /** The most all unpacked entries together may hold. */
  maxTotalBytes: number;
  /** The most an entry may unpack to per packed byte, once past RATIO_FLOOR. */
  maxRatio: number;
  /** The most bytes the central directory may claim; by default DIRECTORY_BYTES_PER_ENTRY per allowed entry. */
  maxDirectoryBytes?: number;
}

/**
 * What one entry of a central directory may take on average: 46 bytes of record, a name, and any extra
 * field and comment. Real archives use about 100; the cap keeps a claimed directory of hundreds of MB from
 * being read into memory at all (an EPUB's is read on the main thread).
 */
export const DIRECTORY_BYTES_PER_ENTRY = 512;

/** Below this many unpacked bytes an entry's ratio is not judged: small repetitive XML packs tightly. */
export const RATIO_FLOOR = 1024 * 1024;

/**
 * The packed bytes inflated in one step. Deflate's best is about 1:1032, so a small step yields at most
 * ~1 MB; once an entry has shown an ordinary ratio, larger steps (at most ~16 MB out) read it ten times faster.
 */
const SMALL_STEP = 1024;
const LARGE_STEP = 16 * 1024;
/** The packed bytes read from the source at once. */
const READ = 64 * 1024;

/** Where an archive's bytes come from: a buffer in memory, or a file read in pieces. */
export interface ArchiveSource {
  size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

/** One entry of the central directory. */
export interface ArchiveEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else is refused when the entry is read. */
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  crc: number;
  localOffset: number;
}

/** An archive whose central directory was read: its entries in order, and a way to read one. */
export interface Archive {
  entries: ArchiveEntry[];
  /** Unpacks one entry within the limits (and the total so far of this archive). */
  read(entry: ArchiveEntry): Promise<Uint8Array>;
}

export const bufferSource = (bytes: Uint8Array): ArchiveSource => ({
  size: bytes.length,
  read: async (position, length) => bytes.subarray(position, Math.min(bytes.length, position + length)),
});

const MB = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

const corrupt = (entry?: string) =>
  entry === undefined
    ? new AppError(422, 'archive.corrupt')
    : new AppError(422, 'archive.corrupt_entry', { entry });

/** Whether bytes start like a ZIP archive ("PK\x03\x04"; an empty archive is no use to any reader). */
export const isZip = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** Reads an archive's central directory; refuses more than `limits.maxEntries` entries (413). */
export async function openArchive(source: ArchiveSource, limits: ArchiveLimits): Promise<Archive> {
  const { size } = source;
  // The end-of-central-directory record is in the last 22 bytes, after a comment of up to 65,535.
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = Buffer.from(await source.read(size - tailLength, tailLength));
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt();
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  // ZIP64 (0xffff entries, 0xffffffff offsets) is never needed at the sizes we accept.
  if (count === 0xffff || cdOffset === 0xffffffff)
    throw new AppError(422, 'archive.unsupported', { entry: '' });
  if (count > limits.maxEntries)
    throw new AppError(413, 'archive.too_many_entries', { max: limits.maxEntries });
  // Checked before a byte of it is read: the directory is read whole, into memory.
  const maxDirectory = limits.maxDirectoryBytes ?? limits.maxEntries * DIRECTORY_BYTES_PER_ENTRY;
  if (cdSize > maxDirectory)
    throw new AppError(413, 'archive.directory_too_large', { limit: MB(maxDirectory) });
  if (cdSize < count * 46 || cdOffset + cdSize > size - tailLength + eocd) throw corrupt();
  const cd = Buffer.from(await source.read(cdOffset, cdSize));
  const entries: ArchiveEntry[] = [];
  const names = new Set<string>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw corrupt();
    const nameLength = cd.readUInt16LE(p + 28);
    if (p + 46 + nameLength > cd.length) throw corrupt();
    const entry: ArchiveEntry = {
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localOffset: cd.readUInt32LE(p + 42),
      name: cd.subarray(p + 46, p + 46 + nameLength).toString('utf8'),
    };
    // Two entries of one name would let a reader and a checker see different files.
    if (names.has(entry.name)) throw corrupt(entry.name);
    names.add(entry.name);
    entries.push(entry);
    p += 46 + nameLength + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
  }
  let total = 0;

  const read = async (entry: ArchiveEntry): Promise<Uint8Array> => {
    const name = entry.name;
    if (entry.flags & 0x1) throw new AppError(422, 'archive.unsupported', { entry: name });
    if (entry.method !== 0 && entry.method !== 8)
      throw new AppError(422, 'archive.unsupported', { entry: name });
    if (entry.localOffset + 30 > cdOffset) throw corrupt(name);
    const header = Buffer.from(await source.read(entry.localOffset, 30));
    if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) throw corrupt(name);
    const start = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + entry.compressedSize > cdOffset) throw corrupt(name);

    const parts: Uint8Array[] = [];
    // An entry that says it is too large is refused unread; one that lies is caught while it unpacks.
    if (entry.size > limits.maxEntryBytes) {
      throw new AppError(413, 'archive.entry_too_large', { entry: name, limit: MB(limits.maxEntryBytes) });
    }
    if (total + entry.size > limits.maxTotalBytes) {
      throw new AppError(413, 'archive.too_large', { limit: MB(limits.maxTotalBytes) });
    }
    let produced = 0;
    let fed = 0;
    let crc = 0;
    const check = (more: number) => {
      if (produced + more > limits.maxEntryBytes) {
        throw new AppError(413, 'archive.entry_too_large', { entry: name, limit: MB(limits.maxEntryBytes) });
      }
      if (total + more > limits.maxTotalBytes) {
        throw new AppError(413, 'archive.too_large', { limit: MB(limits.maxTotalBytes) });
      }
      if (produced + more > RATIO_FLOOR && produced + more > limits.maxRatio * Math.max(fed, 1)) {
        throw new AppError(413, 'archive.ratio', { entry: name, ratio: limits.maxRatio });
      }
    };
    const take = (data: Uint8Array) => {
      check(data.length);
      produced += data.length;
      total += data.length;
      crc = crc32(data, crc);
      parts.push(data);
    };

    if (entry.method === 0) {
      // Stored: what is packed is what it holds, so its size is known before reading.
      fed = entry.compressedSize;
      check(entry.compressedSize);
      const data = await source.read(start, entry.compressedSize);
      if (data.length !== entry.compressedSize) throw corrupt(name);
      take(data);
    } else {
      let done = false;
      const inflate = new Inflate((data, final) => {
        if (data.length > 0) take(data);
        if (final) done = true;
      });
      const end = start + entry.compressedSize;
      try {
        for (let at = start; at < end && !done;) {
          const chunk = await source.read(at, Math.min(READ, end - at));
          if (chunk.length === 0) throw corrupt(name);
          for (let i = 0; i < chunk.length && !done;) {
            const size = produced < fed * 16 ? LARGE_STEP : SMALL_STEP;
            const step = chunk.subarray(i, i + size);
            fed += step.length;
            inflate.push(step, at + i + step.length >= end);
            i += step.length;
          }
          at += chunk.length;
        }
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw corrupt(name); // fflate's errors: invalid block, unexpected end of data
      }
      if (!done) throw corrupt(name);
    }
    if (produced !== entry.size || crc >>> 0 !== entry.crc >>> 0) throw corrupt(name);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  };
  return { entries, read };
}

/**
 * Unpacks the entries a reader wants (by name), within the limits; the others are left packed. Entries
 * come back by name, in the archive's order.
 */
export async function unpack(
  source: ArchiveSource,
  limits: ArchiveLimits,
  wanted: (name: string) => boolean,
): Promise<Map<string, Uint8Array>> {
  const archive = await openArchive(source, limits);
  const files = new Map<string, Uint8Array>();
  for (const entry of archive.entries) {
    if (entry.name.endsWith('/') || !wanted(entry.name)) continue;
    files.set(entry.name, await archive.read(entry));
  }
  return files;
}

/** Opens a file on disk as an archive source, for the time `use` runs. */
export async function withFileSource<T>(
  path: string,
  use: (source: ArchiveSource) => Promise<T>,
): Promise<T> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    return await use({
      size,
      read: async (position, length) => {
        const buffer = Buffer.alloc(Math.max(0, length));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        return buffer.subarray(0, bytesRead);
      },
    });
  } finally {
    await handle.close();
  }
}

defineMessages({
  en: {
    'archive.corrupt': 'The file is damaged or is not a complete ZIP archive.',
    'archive.corrupt_entry': 'The file is damaged: its part "{entry}" cannot be unpacked.',
    'archive.unsupported': 'The file\'s part "{entry}" is encrypted or packed in a way that cannot be read.',
    'archive.too_many_entries': 'The file holds more than {max} parts; it is not one that can be imported.',
    'archive.entry_too_large':
      'The file\'s part "{entry}" unpacks to more than {limit}; the file is refused.',
    'archive.too_large': 'The file unpacks to more than {limit} in all; split it into smaller files.',
    'archive.ratio':
      'The file\'s part "{entry}" unpacks to more than {ratio} times its packed size, as no real file does; the file is refused.',
    'archive.too_complex': 'The file needs more memory to read than allowed; split it into smaller files.',
    'archive.directory_too_large':
      "The file's table of contents is larger than {limit}, as no real file's is; the file is refused.",
  },
  az: {
    'archive.corrupt': 'Fayl zədələnib və ya tam ZIP arxivi deyil.',
    'archive.corrupt_entry': 'Fayl zədələnib: onun "{entry}" hissəsi açıla bilmir.',
    'archive.unsupported': 'Faylın "{entry}" hissəsi şifrələnib və ya oxuna bilməyən üsulla sıxılıb.',
    'archive.too_many_entries': 'Faylda {max}-dan çox hissə var; belə fayl idxal edilə bilməz.',
    'archive.entry_too_large':
      'Faylın "{entry}" hissəsi açılanda {limit}-dan böyük olur; fayl qəbul edilmir.',
    'archive.too_large': 'Fayl açılanda cəmi {limit}-dan böyük olur; onu kiçik fayllara bölün.',
    'archive.ratio':
      'Faylın "{entry}" hissəsi açılanda sıxılmış ölçüsündən {ratio} dəfədən çox böyüyür, heç bir real fayl belə olmur; fayl qəbul edilmir.',
    'archive.too_complex':
      'Faylı oxumaq üçün icazə veriləndən çox yaddaş lazımdır; onu kiçik fayllara bölün.',
    'archive.directory_too_large':
      'Faylın mündəricatı {limit}-dan böyükdür, heç bir real faylda belə olmur; fayl qəbul edilmir.',
  },
  ru: {
    'archive.corrupt': 'Файл повреждён или не является полным ZIP-архивом.',
    'archive.corrupt_entry': 'Файл повреждён: его часть «{entry}» не распаковывается.',
    'archive.unsupported': 'Часть файла «{entry}» зашифрована или сжата способом, который нельзя прочитать.',
    'archive.too_many_entries': 'В файле больше {max} частей; такой файл нельзя импортировать.',
    'archive.entry_too_large': 'Часть файла «{entry}» после распаковки больше {limit}; файл отклонён.',
    'archive.too_large': 'Файл после распаковки больше {limit}; разделите его на файлы поменьше.',
    'archive.ratio':
      'Часть файла «{entry}» распаковывается более чем в {ratio} раз больше сжатого размера, чего не бывает с настоящими файлами; файл отклонён.',
    'archive.too_complex':
      'Для чтения файла нужно больше памяти, чем разрешено; разделите его на файлы поменьше.',
    'archive.directory_too_large':
      'Оглавление файла больше {limit}, чего не бывает с настоящими файлами; файл отклонён.',
  },
});
