import fs from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, copyFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where files live: behind this interface so that app nodes stay stateless. The default keeps them in a local
 * directory; production puts an S3-compatible object store behind the same calls. Keys are relative
 * paths of lower-case letters, digits, `.`, `_`, `-` and `/`.
 */
export interface Storage {
  /** Moves a local file in under `key` (the source is gone afterwards). */
  putFile(key: string, source: string): Promise<void>;
  /** The size of an object in bytes, or null when there is none. */
  size(key: string): Promise<number | null>;
  /** Reads an object, whole or a byte range (`end` inclusive, as HTTP ranges are). */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** Up to `length` bytes from `start`, in one buffer (shorter only at the end of the object). */
  readBytes(key: string, start: number, length: number): Promise<Buffer>;
  /**
   * A local path to an object, for programs that need one (ffmpeg). Local storage gives the file itself; an
   * object store would download it to a temporary file, removed by `release`.
   */
  localPath(key: string): Promise<{ path: string; release(): Promise<void> }>;
  /** Removes an object, or every object under a folder-like prefix (`files/12` removes `files/12/…`). */
  deletePrefix(prefix: string): Promise<void>;
  /** The keys of every object under a folder-like prefix (`files/12` lists `files/12/…`), sorted. */
  list(prefix: string): Promise<string[]>;
}

const KEY = /^[a-z0-9][a-z0-9._/-]*$/;

/** Refuses keys that could leave the storage root. */
export function checkKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new Error(`invalid storage key: ${key}`);
  }
  return key;
}

/** Files in a local directory: the default, and what a single-server school installation uses. */
export class LocalStorage implements Storage {
  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  private full(key: string): string {
    return path.join(this.root, checkKey(key));
  }

  async putFile(key: string, source: string): Promise<void> {
    const target = this.full(key);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await rename(source, target);
    } catch (error) {
      // Another file system (e.g. a temporary directory on tmpfs): copy, then remove the source.
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await copyFile(source, target);
      await unlink(source);
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      const s = await stat(this.full(key));
      return s.isFile() ? s.size : null;
    } catch {
      return null;
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return fs.createReadStream(this.full(key), range ? { start: range.start, end: range.end } : {});
  }

  async readBytes(key: string, start: number, length: number): Promise<Buffer> {
    const file = await open(this.full(key), 'r');
    try {
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.read(buffer, 0, length, start);
      return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  async localPath(key: string): Promise<{ path: string; release(): Promise<void> }> {
    return { path: this.full(key), release: async () => {} };
  }

  async deletePrefix(prefix: string): Promise<void> {
    const target = this.full(prefix.replace(/\/+$/, ''));
    await rm(target, { recursive: true, force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const base = prefix.replace(/\/+$/, '');
    const found: string[] = [];
    const walk = async (rel: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await readdir(this.full(rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        // Names that are not keys (a restore's staging folder, a stray dot-file) are no objects.
        const key = `${rel}/${entry.name}`;
        if (!KEY.test(entry.name)) continue;
        if (entry.isDirectory()) await walk(key);
        else if (entry.isFile()) found.push(key);
      }
    };
    await walk(checkKey(base));
    return found.sort();
  }
}
