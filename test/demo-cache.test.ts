import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoKey, hashSources, makeOnce } from '@test/demo-cache';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-demo-cache-test-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
};

describe('the key of a prepared demo', () => {
  const wednesday = new Date('2026-12-09T10:00:00+04:00');

  it('is the same for the same options and the same school day, whatever the hour', () => {
    const key = demoKey({ demoLibrary: false, clock: wednesday, driver: 'pglite' }, 'src');
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(
      demoKey({ demoLibrary: false, clock: new Date('2026-12-09T23:30:00+04:00'), driver: 'pglite' }, 'src'),
    ).toBe(key);
    // 21:00 UTC on the 8th is already the 9th in Baku (19:59 UTC is not: see below).
    expect(
      demoKey({ demoLibrary: false, clock: new Date('2026-12-08T21:00:00Z'), driver: 'pglite' }, 'src'),
    ).toBe(key);
  });

  it('changes with the school day, the library, the driver and the source', () => {
    const key = demoKey({ demoLibrary: false, clock: wednesday, driver: 'pglite' }, 'src');
    const others = [
      demoKey({ demoLibrary: false, clock: new Date('2026-12-08T19:59:00Z'), driver: 'pglite' }, 'src'),
      demoKey({ demoLibrary: true, clock: wednesday, driver: 'pglite' }, 'src'),
      demoKey({ demoLibrary: false, clock: wednesday, driver: 'postgres' }, 'src'),
      demoKey({ demoLibrary: false, clock: wednesday, driver: 'pglite' }, 'other src'),
    ];
    expect(new Set([key, ...others]).size).toBe(5);
  });

  it('hashes the migrations, country packs and server source, not tests or the web app', () => {
    write('migrations/0001.sql', 'create table a ();');
    write('country-packs/az/manifest.json', '{}');
    write('src/seed/seed.ts', 'export const a = 1;');
    write('src/seed/seed.test.ts', 'test');
    write('src/web/app.tsx', 'web');
    const first = hashSources(root);
    expect(hashSources(root)).toBe(first);

    write('src/seed/seed.test.ts', 'another test');
    write('src/web/app.tsx', 'another page');
    write('README.md', 'words');
    expect(hashSources(root)).toBe(first);

    for (const [rel, text] of [
      ['src/seed/seed.ts', 'export const a = 2;'],
      ['migrations/0002.sql', 'create table b ();'],
      ['country-packs/az/manifest.json', '{"a":1}'],
      ['src/modules/x/x.tables.ts', 'export {};'],
    ] as const) {
      const before = hashSources(root);
      write(rel, text);
      expect(hashSources(root), rel).not.toBe(before);
    }
  });
});

describe('making a prepared demo once', () => {
  it('runs the making once when many ask at the same time, and the others wait for it', async () => {
    const lock = path.join(root, 'once.lock');
    const product = path.join(root, 'once');
    let makes = 0;
    const make = async () => {
      makes++;
      await new Promise((resolve) => setTimeout(resolve, 300));
      fs.writeFileSync(product, 'made');
    };
    await Promise.all(Array.from({ length: 5 }, () => makeOnce(lock, () => fs.existsSync(product), make)));
    expect(makes).toBe(1);
    expect(fs.readFileSync(product, 'utf8')).toBe('made');
    expect(fs.existsSync(lock)).toBe(false);
    // Made already: nothing to do.
    await makeOnce(lock, () => fs.existsSync(product), make);
    expect(makes).toBe(1);
  });

  it('takes over a lock left by a process that died, and frees the lock when the making fails', async () => {
    const lock = path.join(root, 'dead.lock');
    const product = path.join(root, 'dead');
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'owner'), '999999999'); // no such process
    await expect(
      makeOnce(
        lock,
        () => fs.existsSync(product),
        () => Promise.reject(new Error('seed failed')),
      ),
    ).rejects.toThrow('seed failed');
    expect(fs.existsSync(lock)).toBe(false);
    await makeOnce(
      lock,
      () => fs.existsSync(product),
      async () => fs.writeFileSync(product, 'made'),
    );
    expect(fs.existsSync(product)).toBe(true);
  });

  it('waits for a live owner, and gives up at its deadline', async () => {
    const lock = path.join(root, 'live.lock');
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'owner'), String(process.pid));
    await expect(
      makeOnce(
        lock,
        () => false,
        async () => {},
        500,
      ),
    ).rejects.toThrow(/timed out/);
    fs.rmSync(lock, { recursive: true });
  });
});
