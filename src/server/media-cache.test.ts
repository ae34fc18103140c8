import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOCK, MediaCache } from './media-cache';
import { LocalStorage } from './storage';

/** Local storage that counts the reads reaching the disk. */
class CountingStorage extends LocalStorage {
  reads = 0;
  override async readBytes(key: string, start: number, length: number): Promise<Buffer> {
    this.reads++;
    return super.readBytes(key, start, length);
  }
}

describe('media cache', () => {
  let root: string;
  let storage: CountingStorage;
  /** Three and a half blocks of bytes that differ from block to block. */
  const bytes = Buffer.alloc(BLOCK * 3.5);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(i, i);

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-cache-'));
    storage = new CountingStorage(root);
    fs.mkdirSync(path.join(root, 'files'));
    fs.writeFileSync(path.join(root, 'files/video.mp4'), bytes);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('gives any range, across blocks, byte for byte, and the whole object', async () => {
    const cache = new MediaCache(storage, 8 * BLOCK);
    const size = (await cache.size('files/video.mp4'))!;
    expect(size).toBe(bytes.length);
    for (const [start, end] of [
      [0, 0],
      [0, BLOCK - 1],
      [BLOCK - 10, BLOCK + 10],
      [123_457, 3 * BLOCK + 99],
      [size - 1, size - 1],
    ] as const) {
      expect(
        (await buffer(cache.read('files/video.mp4', size, { start, end }))).equals(
          bytes.subarray(start, end + 1),
        ),
      ).toBe(true);
    }
    expect((await buffer(cache.read('files/video.mp4', size))).equals(bytes)).toBe(true);
    expect(await cache.size('files/none.mp4')).toBeNull();
  });

  it('reads a block from the disk once, however many ask for it at the same time', async () => {
    const cache = new MediaCache(storage, 8 * BLOCK);
    const range = { start: 10, end: BLOCK - 10 };
    const parts = await Promise.all(
      Array.from({ length: 20 }, () => buffer(cache.read('files/video.mp4', bytes.length, range))),
    );
    for (const part of parts) expect(part.equals(bytes.subarray(10, BLOCK - 9))).toBe(true);
    expect(storage.reads).toBe(1);
    await buffer(cache.read('files/video.mp4', bytes.length, range));
    expect(storage.reads).toBe(1);
  });

  it('keeps no more than its budget, the least recently used going first', async () => {
    const cache = new MediaCache(storage, 2 * BLOCK);
    const block = (i: number) =>
      buffer(cache.read('files/video.mp4', bytes.length, { start: i * BLOCK, end: i * BLOCK + 99 }));
    await block(0);
    await block(1);
    await block(0); // block 0 is now the most recently used
    await block(2); // block 1 goes
    expect(storage.reads).toBe(3);
    await block(0);
    await block(2);
    expect(storage.reads).toBe(3);
    await block(1);
    expect(storage.reads).toBe(4);
  });

  it('with no memory keeps nothing and reads just the range asked for', async () => {
    const cache = new MediaCache(storage, 0);
    for (let i = 0; i < 2; i++) {
      const got = await buffer(cache.read('files/video.mp4', bytes.length, { start: 5, end: 500 }));
      expect(got.equals(bytes.subarray(5, 501))).toBe(true);
    }
    expect(storage.reads).toBe(0);
  });

  it('fails the stream, not the process, when the file is shorter than its size said', async () => {
    const cache = new MediaCache(storage, 8 * BLOCK);
    const size = (await cache.size('files/video.mp4'))!;
    fs.truncateSync(path.join(root, 'files/video.mp4'), BLOCK);
    await expect(
      buffer(cache.read('files/video.mp4', size, { start: BLOCK + 1, end: BLOCK + 9 })),
    ).rejects.toThrow(/shorter/);
  });
});
