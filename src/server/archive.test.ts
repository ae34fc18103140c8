import { randomBytes } from 'node:crypto';
import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zip } from '@test/epub';
import {
  bufferSource,
  openArchive,
  RATIO_FLOOR,
  unpack,
  withFileSource,
  type ArchiveLimits,
} from '@/server/archive';
import { AppError } from '@/server/errors';
import { hasMessage } from '@/server/i18n';

const LIMITS: ArchiveLimits = {
  maxEntries: 10,
  maxEntryBytes: 8 * 1024 * 1024,
  maxTotalBytes: 12 * 1024 * 1024,
  maxRatio: 100,
};

/** The error an unpacking gives, or null when it succeeds. */
async function refusal(bytes: Uint8Array, limits = LIMITS, wanted = (_: string) => true) {
  try {
    await unpack(bufferSource(bytes), limits, wanted);
    return null;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    expect(hasMessage(error.code)).toBe(true);
    return { status: error.status, code: error.code, params: error.params };
  }
}

/** Raw deflate of `size` zero bytes, made in pieces (the zeros never exist at once). */
async function deflatedZeros(size: number): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const piece = Buffer.alloc(1024 * 1024);
  for (let left = size; left > 0; left -= piece.length) {
    if (!deflate.write(piece.subarray(0, Math.min(piece.length, left))))
      await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return Buffer.concat(out);
}

/** CRC-32 of `size` zero bytes. */
function zerosCrc(size: number): number {
  const piece = Buffer.alloc(1024 * 1024);
  let crc = 0;
  for (let left = size; left > 0; left -= piece.length)
    crc = crc32(piece.subarray(0, Math.min(piece.length, left)), crc);
  return crc;
}

/** A ZIP of one deflated entry whose headers say what `claimed` says (an honest or a lying archive). */
function rawZip(name: string, body: Buffer, claimed: { size: number; crc: number }): Buffer {
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(claimed.crc >>> 0, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(claimed.size, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(claimed.crc >>> 0, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(claimed.size, 24);
  central.writeUInt16LE(n.length, 28);
  const offset = 30 + n.length + body.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([local, n, body, central, n, end]);
}

describe('bounded unpacking of archives', () => {
  it('unpacks the wanted entries, stored or deflated, and leaves the others packed', async () => {
    const text = 'Bakı, Gəncə, Sumqayıt\n'.repeat(2000);
    const bytes = zip([
      { name: 'mimetype', data: 'application/epub+zip', store: true },
      { name: 'a.csv', data: text },
      { name: 'media/big.png', data: Buffer.alloc(5 * 1024 * 1024) },
    ]);
    const files = await unpack(bufferSource(bytes), LIMITS, (name) => !name.startsWith('media/'));
    expect([...files.keys()]).toEqual(['mimetype', 'a.csv']);
    expect(Buffer.from(files.get('a.csv')!).toString('utf8')).toBe(text);
    expect(Buffer.from(files.get('mimetype')!).toString('latin1')).toBe('application/epub+zip');
    // The same archive read from a file on disk, in pieces.
    const dir = await mkdtemp(path.join(tmpdir(), 'archive-'));
    try {
      await writeFile(path.join(dir, 'x.zip'), bytes);
      const fromFile = await withFileSource(path.join(dir, 'x.zip'), (source) =>
        unpack(source, LIMITS, (name) => name === 'a.csv'),
      );
      expect(Buffer.from(fromFile.get('a.csv')!).toString('utf8')).toBe(text);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Files fflate writes (as tools other than ours do) read the same.
    const other = zipSync({ 'dir/b.csv': strToU8('x,y\n1,2\n') }, { level: 9 });
    expect(
      Buffer.from((await unpack(bufferSource(other), LIMITS, () => true)).get('dir/b.csv')!).toString(),
    ).toBe('x,y\n1,2\n');
  });

  it('refuses too many entries before unpacking any', async () => {
    const files = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.csv`, data: 'a' }));
    expect(await refusal(zip(files))).toEqual({
      status: 413,
      code: 'archive.too_many_entries',
      params: { max: 10 },
    });
    expect(await refusal(zip(files.slice(0, 10)))).toBeNull();
  });

  it('refuses an entry or an archive that unpacks past its limit, honest headers or not', async () => {
    // Random bytes do not pack: the ratio is 1, so only the size limits can stop these.
    const noise = (n: number) => randomBytes(n);
    const big = noise(9 * 1024 * 1024);
    expect(await refusal(zip([{ name: 'big.bin', data: big }]))).toMatchObject({
      status: 413,
      code: 'archive.entry_too_large',
      params: { entry: 'big.bin', limit: '8 MB' },
    });
    // The same entry claiming to be small: caught while it unpacks.
    const lying = rawZip('big.bin', deflateRawSync(big), { size: 100, crc: 0 });
    expect(await refusal(lying)).toMatchObject({ status: 413, code: 'archive.entry_too_large' });
    // Two entries each within the limit, together past the total.
    const seven = noise(7 * 1024 * 1024);
    expect(
      await refusal(
        zip([
          { name: 'a.bin', data: seven },
          { name: 'b.bin', data: seven },
        ]),
      ),
    ).toMatchObject({ status: 413, code: 'archive.too_large', params: { limit: '12 MB' } });
    // ...unless the reader does not want the second one.
    expect(
      await refusal(
        zip([
          { name: 'a.bin', data: seven },
          { name: 'b.bin', data: seven },
        ]),
        LIMITS,
        (name) => name === 'a.bin',
      ),
    ).toBeNull();
  });

  it('refuses a zip bomb by its ratio as soon as it passes it, whatever its headers say', async () => {
    const size = 256 * 1024 * 1024; // 256 MB of zeros, about 250 KB packed
    const body = await deflatedZeros(size);
    const honest = rawZip('xl/worksheets/sheet1.xml', body, { size, crc: zerosCrc(size) });
    const generous: ArchiveLimits = { ...LIMITS, maxEntryBytes: 2 * size, maxTotalBytes: 2 * size };
    const before = process.memoryUsage().rss;
    const started = performance.now();
    expect(await refusal(honest, generous)).toEqual({
      status: 413,
      code: 'archive.ratio',
      params: { entry: 'xl/worksheets/sheet1.xml', ratio: 100 },
    });
    // Stopped after a few megabytes: quickly, and without the zeros ever being in memory.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    // Lying about its size, it is stopped the same way.
    expect(await refusal(rawZip('x.xml', body, { size: 10, crc: 0 }), generous)).toMatchObject({
      code: 'archive.ratio',
    });
    // And with the default-sized limits, its declared size alone refuses it unread.
    expect(await refusal(honest)).toMatchObject({ status: 413, code: 'archive.entry_too_large' });
    // A small entry that packs tightly (under RATIO_FLOOR) is real data, and is read.
    const tight = Buffer.alloc(RATIO_FLOOR - 1, 0x41);
    expect(await refusal(zip([{ name: 'tight.txt', data: tight }]))).toBeNull();
  });

  it('answers 422 for a truncated, damaged or lying archive', async () => {
    const text = Buffer.from('name,class\n'.repeat(5000));
    const good = zip([{ name: 'users.csv', data: text }]);
    // Cut short: no central directory at the end.
    expect(await refusal(good.subarray(0, good.length - 30))).toMatchObject({
      status: 422,
      code: 'archive.corrupt',
    });
    expect(await refusal(good.subarray(0, 100))).toMatchObject({ status: 422, code: 'archive.corrupt' });
    expect(await refusal(Buffer.from('PK\x03\x04 not really a zip'))).toMatchObject({ status: 422 });
    // Damaged packed data: the inflater fails, or the CRC does not match.
    const damaged = Buffer.from(good);
    for (let i = 60; i < 90; i++) damaged[i] = damaged[i]! ^ 0x5a;
    expect(await refusal(damaged)).toMatchObject({
      status: 422,
      code: 'archive.corrupt_entry',
      params: { entry: 'users.csv' },
    });
    // A size or CRC that does not match what unpacks.
    const deflated = deflateRawSync(text);
    expect(await refusal(rawZip('users.csv', deflated, { size: text.length, crc: 1234 }))).toMatchObject({
      status: 422,
      code: 'archive.corrupt_entry',
    });
    expect(
      await refusal(rawZip('users.csv', deflated, { size: text.length + 1, crc: crc32(text) })),
    ).toMatchObject({
      status: 422,
    });
    expect(await refusal(rawZip('users.csv', deflated, { size: text.length, crc: crc32(text) }))).toBeNull();
    // The packed data cut short inside an otherwise whole archive.
    expect(
      await refusal(
        rawZip('users.csv', deflated.subarray(0, deflated.length - 8), {
          size: text.length,
          crc: crc32(text),
        }),
      ),
    ).toMatchObject({ status: 422, code: 'archive.corrupt_entry' });
    // An encrypted entry or an unknown method: refused, not guessed at.
    const encrypted = Buffer.from(good);
    const cd = encrypted.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    encrypted.writeUInt16LE(encrypted.readUInt16LE(cd + 8) | 1, cd + 8);
    expect(await refusal(encrypted)).toMatchObject({ status: 422, code: 'archive.unsupported' });
    const lzma = Buffer.from(good);
    lzma.writeUInt16LE(14, cd + 10);
    expect(await refusal(lzma)).toMatchObject({ status: 422, code: 'archive.unsupported' });
  });

  it('refuses a central directory larger than its entries need, before reading a byte of it', async () => {
    // A 300 MB "archive" whose end record claims a 200 MB directory: only its tail may ever be read.
    const size = 300 * 1024 * 1024;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(3, 8);
    end.writeUInt16LE(3, 10);
    end.writeUInt32LE(200 * 1024 * 1024, 12);
    end.writeUInt32LE(50 * 1024 * 1024, 16);
    const reads: number[] = [];
    const source = {
      size,
      read: async (position: number, length: number) => {
        reads.push(length);
        const out = new Uint8Array(Math.min(length, size - position));
        const from = size - 22 - position;
        if (from >= 0 && from < out.length) out.set(end.subarray(0, out.length - from), from);
        return out;
      },
    };
    const error = await openArchive(source, { ...LIMITS, maxEntries: 20_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      status: 413,
      code: 'archive.directory_too_large',
      params: { limit: '9.8 MB' },
    });
    expect(Math.max(...reads)).toBeLessThanOrEqual(22 + 0xffff);
    expect(hasMessage('archive.directory_too_large')).toBe(true);

    // A real archive whose names are too long for its own limit; and one whose directory claims less than
    // its entries' records need.
    const files = [{ name: `${'a'.repeat(300)}.csv`, data: 'a' }];
    expect(await refusal(zip(files), { ...LIMITS, maxDirectoryBytes: 200 })).toMatchObject({
      status: 413,
      code: 'archive.directory_too_large',
    });
    expect(await refusal(zip(files), { ...LIMITS, maxDirectoryBytes: 400 })).toBeNull();
    const short = Buffer.from(
      zip([
        { name: 'a.csv', data: 'a' },
        { name: 'b.csv', data: 'b' },
      ]),
    );
    short.writeUInt32LE(60, short.length - 22 + 12);
    expect(await refusal(short)).toMatchObject({ status: 422, code: 'archive.corrupt' });
  });

  it('lists entries without unpacking them', async () => {
    const archive = await openArchive(
      bufferSource(
        zip([
          { name: 'mimetype', data: 'application/epub+zip', store: true },
          { name: 'b', data: 'x' },
        ]),
      ),
      LIMITS,
    );
    expect(archive.entries.map((e) => [e.name, e.method, e.localOffset === 0])).toEqual([
      ['mimetype', 0, true],
      ['b', 8, false],
    ]);
  });
});
