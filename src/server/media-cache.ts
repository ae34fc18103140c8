import { Readable } from 'node:stream';
import type { Storage } from './storage';

/** The unit the cache keeps and reads: 1 MiB, about a second of 720p video. */
export const BLOCK = 1024 * 1024;

/**
 * Published media kept in memory, in 1 MiB blocks, the least recently used going first when the budget
 * (`MEDIA_CACHE_MB`) is spent. A TV lesson is watched by thousands of students in the same hour, each player
 * asking for range after range: from memory a range costs one copy (into the socket) instead of a file open, a
 * read and a copy; with no `sendfile` in Node this is what keeps a single process near nginx.
 *
 * Only objects that never change may come through here: published files (a new upload is a new file, under a
 * new key — the same promise the routes' `cache-control: public` makes). Sizes are kept too, so that a range
 * needs no `stat`. Two requests missing the same block share one read.
 */
export class MediaCache {
  private readonly blocks = new Map<string, Buffer>();
  private readonly loading = new Map<string, Promise<Buffer>>();
  private readonly sizes = new Map<string, number>();
  private used = 0;

  constructor(
    private readonly storage: Storage,
    readonly maxBytes: number,
  ) {}

  /** The object's size in bytes, or null when there is none (not remembered: it may appear later). */
  async size(key: string): Promise<number | null> {
    const known = this.sizes.get(key);
    if (known !== undefined) return known;
    const size = await this.storage.size(key);
    if (size === null) return null;
    if (this.sizes.size >= 100_000) this.sizes.clear();
    this.sizes.set(key, size);
    return size;
  }

  /** The bytes `start`…`end` (inclusive) of an object of `size` bytes, block by block, from memory where kept. */
  read(key: string, size: number, range?: { start: number; end: number }): Readable {
    // Nothing is kept: read just the range, not the whole blocks around it.
    if (this.maxBytes === 0) return this.storage.read(key, range);
    return new BlockReader(this, key, size, range?.start ?? 0, range?.end ?? size - 1);
  }

  /** Block `index` of an object: at once when kept (and marked as just used), else once it is read. */
  block(key: string, index: number, size: number): Buffer | Promise<Buffer> {
    const id = `${index}:${key}`;
    const kept = this.blocks.get(id);
    if (kept) {
      this.blocks.delete(id);
      this.blocks.set(id, kept);
      return kept;
    }
    return this.load(id, key, index, size);
  }

  private load(id: string, key: string, index: number, size: number): Promise<Buffer> {
    let pending = this.loading.get(id);
    if (!pending) {
      const start = index * BLOCK;
      pending = this.storage.readBytes(key, start, Math.min(BLOCK, size - start)).finally(() => {
        this.loading.delete(id);
      });
      void pending.then(
        (block) => this.keep(id, block),
        () => undefined,
      );
      this.loading.set(id, pending);
    }
    return pending;
  }

  private keep(id: string, block: Buffer): void {
    if (block.length > this.maxBytes || this.blocks.has(id)) return;
    this.blocks.set(id, block);
    this.used += block.length;
    for (const [oldest, old] of this.blocks) {
      if (this.used <= this.maxBytes) break;
      this.blocks.delete(oldest);
      this.used -= old.length;
    }
  }
}

/** A range of an object as a stream of block slices (no copies: kept blocks never change). */
class BlockReader extends Readable {
  constructor(
    private readonly cache: MediaCache,
    private readonly key: string,
    private readonly size: number,
    private position: number,
    private readonly end: number,
  ) {
    super();
  }

  override _read(): void {
    if (this.position > this.end) return void this.push(null);
    const index = Math.floor(this.position / BLOCK);
    const block = this.cache.block(this.key, index, this.size);
    if (!(block instanceof Promise)) return this.deliver(index, block);
    block.then(
      (loaded) => this.deliver(index, loaded),
      (error: Error) => this.destroy(error),
    );
  }

  private deliver(index: number, block: Buffer): void {
    const from = this.position - index * BLOCK;
    const to = Math.min(block.length, this.end - index * BLOCK + 1);
    if (to <= from) return void this.destroy(new Error(`${this.key} is shorter than ${this.size} bytes`));
    this.position = index * BLOCK + to;
    this.push(block.subarray(from, to));
  }
}
