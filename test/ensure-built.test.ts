import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm start`'s first step (bin/ensure-built.js) on a copy of the project: the first run builds (with the
 * compressed copies), the next one skips, a change to the web app's sources builds again, a change the web app
 * does not use does not.
 */
const project = path.resolve(import.meta.dirname, '..');

describe('building the web app only when its sources changed', () => {
  let copy: string;
  const run = () =>
    execFileSync(process.execPath, [path.join(copy, 'bin', 'ensure-built.js')], {
      cwd: copy,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const indexMtime = () => fs.statSync(path.join(copy, 'dist/web/index.html')).mtimeMs;

  beforeAll(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-build-'));
    for (const entry of [
      'src',
      'bin',
      'vite.config.ts',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
    ]) {
      fs.cpSync(path.join(project, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(fs.realpathSync(path.join(project, 'node_modules')), path.join(copy, 'node_modules'));
  });
  afterAll(() => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  });

  it('builds a tree with no build, with brotli and gzip copies of its files', () => {
    expect(run()).toContain('building the web app (no build stamp)');
    const web = path.join(copy, 'dist/web');
    const html = fs.readFileSync(path.join(web, 'index.html'));
    const entry = /src="\/(assets\/index-[\w-]+\.js)"/.exec(html.toString())![1]!;
    const js = fs.readFileSync(path.join(web, entry));
    expect(js.length).toBeGreaterThan(1024);
    expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(web, `${entry}.br`))).equals(js)).toBe(true);
    expect(zlib.gunzipSync(fs.readFileSync(path.join(web, `${entry}.gz`))).equals(js)).toBe(true);
    expect(fs.readFileSync(path.join(web, `${entry}.br`)).length).toBeLessThan(js.length / 2);
    expect(fs.existsSync(path.join(web, 'sw.js.br'))).toBe(true);
    // The stamp lies outside what is served.
    expect(fs.readdirSync(web).filter((f) => f.includes('stamp'))).toEqual([]);
    expect(fs.existsSync(path.join(copy, 'dist/web.stamp.json'))).toBe(true);
  }, 600_000);

  it('skips when up to date, also after a change the web app does not use', () => {
    const before = indexMtime();
    expect(run()).toContain('web build is up to date');
    fs.appendFileSync(path.join(copy, 'src/server/jobs.ts'), '\n// a server-only change\n');
    expect(run()).toContain('web build is up to date');
    expect(indexMtime()).toBe(before);
  }, 600_000);

  it('builds again after a change to the web sources, or when the build is gone', () => {
    fs.appendFileSync(path.join(copy, 'src/web/main.tsx'), '\n// a change\n');
    expect(run()).toContain('building the web app (sources changed)');
    expect(run()).toContain('web build is up to date');
    fs.rmSync(path.join(copy, 'dist/web/index.html'));
    expect(run()).toContain('building the web app (no built index.html)');
    expect(fs.existsSync(path.join(copy, 'dist/web/index.html'))).toBe(true);
  }, 900_000);
});
