import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

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
    },
  },
});
