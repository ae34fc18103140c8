import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { checkKey, LocalStorage } from '@/server/storage';

describe('local storage', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-storage-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('refuses keys that could leave its directory', () => {
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'A/b', '', 'a/./b']) {
      expect(() => checkKey(key), key).toThrow('invalid storage key');
    }
    expect(checkKey('library/12/main/v1/original.pdf')).toBe('library/12/main/v1/original.pdf');
  });

  it('moves files in, reads them whole or by range, and removes a folder of them', async () => {
    const storage = new LocalStorage(path.join(root, 'files'));
    const source = path.join(root, 'upload.bin');
    fs.writeFileSync(source, '0123456789');
    await storage.putFile('library/1/main/v1/original.pdf', source);
    expect(fs.existsSync(source)).toBe(false);
    expect(await storage.size('library/1/main/v1/original.pdf')).toBe(10);
    expect(await text(storage.read('library/1/main/v1/original.pdf'))).toBe('0123456789');
    expect(await text(storage.read('library/1/main/v1/original.pdf', { start: 2, end: 4 }))).toBe('234');
    fs.mkdirSync(path.join(root, 'files', 'library', '1', '.staging'));
    expect(await storage.list('library/1')).toEqual(['library/1/main/v1/original.pdf']);
    expect(await storage.list('library/2')).toEqual([]);
    await storage.deletePrefix('library/1/main');
    expect(await storage.size('library/1/main/v1/original.pdf')).toBeNull();
  });
});
