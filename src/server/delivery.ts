import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import compress from '@fastify/compress';
import type { FastifyStaticOptions } from '@fastify/static';
import { installHttpCache } from '@/server/http-cache';

/**
 * Delivery on slow links (docs/operations.md, "Compression, caching and start"):
 *
 * - The built web app is compressed when it is built (vite.config.ts writes `.br` and `.gz` beside each file)
 *   and sent as is; its hashed files under /assets/ are kept by browsers for a year, the page and the service
 *   worker are revalidated each time (no-cache, with their ETag and Last-Modified).
 * - Answers made on the fly (JSON, CSV, HTML, XML) above 1 KB are compressed with brotli or gzip by
 *   @fastify/compress, as the caller accepts. Never compressed: files sent with byte ranges (library files,
 *   HLS segments, the web app's own files), media and other already-compact types (video, audio, pictures,
 *   PDF, ZIP/XLSX, raw bytes), answers that carry an encoding (`identity` included: the speed test).
 * - Public routes may opt in to shared caching with an ETag and 304s (src/server/http-cache.ts).
 */

/** The types worth compressing on the fly: text, JSON, XML, JavaScript (Server-Sent Events excluded: a live stream). */
const TEXT_LIKE =
  /^(?:text\/(?!event-stream)[-\w.+]+|application\/(?:[-\w.]+\+)?(?:json|xml)|application\/(?:javascript|ecmascript|x-www-form-urlencoded)|image\/svg\+xml)\s*(?:;|$)/i;

/** Where Swagger UI serves its files (`/api/docs`, src/server/app.ts). */
const DOCS_ASSETS = '/api/docs/static/';

/** Whether a content type is worth compressing on the fly. */
export function compressibleType(contentType: string): boolean {
  return TEXT_LIKE.test(contentType.trim());
}

/** Whether an answer must be sent as it is: a range, a file that serves ranges, an encoded or compact body. */
export function sentAsIs(reply: FastifyReply): boolean {
  if (reply.statusCode === 206 || reply.hasHeader('content-range') || reply.hasHeader('accept-ranges')) {
    return true;
  }
  if (reply.hasHeader('content-encoding')) return true;
  const type = reply.getHeader('content-type');
  return typeof type === 'string' && !compressibleType(type);
}

/**
 * Compression of answers, and public caching; call before any route is registered (both act on routes as they
 * are added). An answer to send as is is marked with @fastify/compress's own per-request switch
 * (`x-no-compression`), set in a hook that runs before the plugin's own.
 */
export async function installDelivery(app: FastifyInstance): Promise<void> {
  installHttpCache(app);
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    // The API documentation's own scripts and styles (Swagger UI, about 1.5 MB) are served as files that take
    // byte ranges; nobody asks them for one, and they are text: whole answers of theirs are compressed.
    if (request.url.startsWith(DOCS_ASSETS) && reply.statusCode === 200) reply.removeHeader('accept-ranges');
    if (sentAsIs(reply)) request.raw.headers['x-no-compression'] = '1';
    return payload;
  });
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    customTypes: compressibleType,
    // Requests are not decompressed: no client of the API sends compressed bodies.
    globalDecompression: false,
  });
}

/** Cache-Control of a built file: hashed assets never change under their name; anything else is revalidated. */
export function builtFileCacheControl(webRoot: string, file: string): string {
  const relative = path.relative(webRoot, file).split(path.sep).join('/');
  return relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** How @fastify/static serves the built web app: pre-compressed copies, and the caching above. */
export function staticOptions(webRoot: string): FastifyStaticOptions {
  return {
    root: webRoot,
    wildcard: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, file) => {
      void reply.header('cache-control', builtFileCacheControl(webRoot, file));
    },
  };
}
