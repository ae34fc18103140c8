import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { defineConfig, type Plugin, type Rolldown } from 'vite';
import { projectInputs, removeStamp, writeStamp } from './bin/build-stamp.js';

/**
 * The offline service worker: `src/web/sw.ts` is built as its own entry to `/sw.js` (a service worker's scope is
 * the folder it is served from, so it lives at the root, unhashed), and the list of this build's assets, with a
 * version made from their names, is written in front of it so that it can keep the app shell.
 */
function serviceWorker(): Plugin {
  const entry = fileURLToPath(new URL('./src/web/sw.ts', import.meta.url));
  return {
    name: 'maktab-service-worker',
    apply: 'build',
    buildStart() {
      this.emitFile({ type: 'chunk', id: entry, fileName: 'sw.js' });
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const sw = bundle['sw.js'];
        if (!sw || sw.type !== 'chunk') return this.error('sw.js was not built');
        // A service worker registered as a classic script cannot import: it must share nothing with the app.
        if (sw.imports.length > 0 || sw.dynamicImports.length > 0) {
          return this.error(
            `sw.js must not share modules with the app (it imports ${sw.imports.join(', ')})`,
          );
        }
        const all = Object.keys(bundle)
          .filter((name) => name.startsWith('assets/') && !name.endsWith('.map'))
          .sort();
        const readers = readerOnly(bundle);
        const assets = all.filter((name) => !readers.has(name)).map((name) => `/${name}`);
        const onUse = all.filter((name) => readers.has(name)).map((name) => `/${name}`);
        const version = createHash('sha256').update(all.join('\n')).digest('hex').slice(0, 12);
        sw.code = `self.__MAKTAB_SHELL__=${JSON.stringify({ assets, onUse, version })};\n${sw.code}`;
      },
    },
  };
}

/** The book readers' modules: pdf.js with its worker, and the EPUB reader. */
const READER = /[\\/]src[\\/]web[\\/]library[\\/](pdf-reader|epub-reader)\.tsx$/;

/**
 * The files of the build only a book reader needs: the reader chunks, the chunks nothing else imports, and the
 * files they import (pdf.js's worker). The service worker keeps these when they are first used, not at install:
 * 1.6 MB of pdf.js is not fetched for someone who saved a video.
 */
function readerOnly(bundle: Rolldown.OutputBundle): Set<string> {
  const chunks = Object.values(bundle).filter((file) => file.type === 'chunk');
  const shell = new Set<string>();
  const visit = (name: string) => {
    const chunk = bundle[name];
    if (shell.has(name) || !chunk || chunk.type !== 'chunk') return;
    if (chunk.facadeModuleId && READER.test(chunk.facadeModuleId)) return;
    shell.add(name);
    for (const next of [...chunk.imports, ...chunk.dynamicImports]) visit(next);
  };
  for (const chunk of chunks) if (chunk.isEntry && chunk.fileName !== 'sw.js') visit(chunk.fileName);
  const readers = new Set<string>();
  for (const chunk of chunks) {
    if (shell.has(chunk.fileName) || chunk.fileName === 'sw.js') continue;
    readers.add(chunk.fileName);
    for (const asset of chunk.viteMetadata?.importedAssets ?? []) readers.add(asset);
  }
  // pdf.js's worker is a file it points at (a `?url` import), whichever way the build records that.
  for (const name of Object.keys(bundle)) if (/^assets\/pdf\.worker/.test(name)) readers.add(name);
  return readers;
}

/**
 * Delivery on slow links: every built text file above 1 KB is also written compressed beside it, `x.js.br`
 * (brotli, best quality up to 1 MB) and `x.js.gz` (gzip -9), for the server to send as is (@fastify/static
 * `preCompressed`); a compressed copy no smaller than the file is not kept. Then the build's stamp is written
 * (bin/build-stamp.js), by which `npm start` knows the build is up to date; it is removed when a build starts.
 */
function precompressAndStamp(): Plugin {
  const project = fileURLToPath(new URL('.', import.meta.url));
  const brotli = promisify(zlib.brotliCompress);
  const gzip = promisify(zlib.gzip);
  const compressible = /\.(?:js|mjs|css|html|svg|json|txt|xml|webmanifest)$/;
  return {
    name: 'maktab-precompress-and-stamp',
    apply: 'build',
    buildStart() {
      removeStamp(project);
    },
    async writeBundle(options, bundle) {
      const dir = options.dir ?? '';
      const work = Object.values(bundle).flatMap((file) => {
        const content = file.type === 'chunk' ? file.code : file.source;
        const bytes = Buffer.from(content);
        if (!compressible.test(file.fileName) || bytes.length <= 1024) return [];
        const out = path.join(dir, file.fileName);
        const keep = (suffix: string) => async (packed: Buffer) => {
          if (packed.length < bytes.length) await writeFile(out + suffix, packed);
        };
        return [
          brotli(bytes, {
            params: {
              // Above 1 MB (pdf.js's worker) the best quality costs seconds of every build for a few per cent.
              [zlib.constants.BROTLI_PARAM_QUALITY]:
                bytes.length > 1024 * 1024 ? 9 : zlib.constants.BROTLI_MAX_QUALITY,
              [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
            },
          }).then(keep('.br')),
          gzip(bytes, { level: zlib.constants.Z_BEST_COMPRESSION }).then(keep('.gz')),
        ];
      });
      await Promise.all(work);
      writeStamp(project, projectInputs(project, this.getModuleIds()));
    },
  };
}

/**
 * Builds the web app from `src/web` into `dist/web`, which the Fastify server serves with an SPA fallback.
 * No React plugin: Vite 8 transforms TSX with Oxc, told here to use React's automatic JSX runtime. Fast
 * refresh is not needed because development runs `vite build --watch` behind the real server.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  publicDir: false,
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  plugins: [serviceWorker(), precompressAndStamp()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // Cheap phones: modern syntax is fine (evergreen Chrome on Android), what matters is fewer bytes.
    target: 'es2022',
    // One small stylesheet, inlined into the entry chunk's CSS file; no per-route CSS requests on slow links.
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      onwarn(warning, warn) {
        // TanStack Query marks its hooks "use client" for React Server Components; a client-only bundle ignores it.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      output: {
        // Every page is its own chunk (React.lazy in app.tsx), each language too (i18n/index.ts), pdf.js and the
        // EPUB reader only with a book. The libraries every page needs form one vendor chunk, which stays cached
        // from one release to the next while the app's own chunks change.
        codeSplitting: {
          groups: [
            {
              name: 'vendor',
              test: /[\\/]node_modules[\\/](react|react-dom|scheduler|@tanstack|i18next|react-i18next)[\\/]/,
            },
          ],
        },
      },
    },
  },
});
