import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * HTTP caching of answers, for slow links: a route opts in with `config.httpCache`, and its answers get a strong
 * ETag (a hash of the bytes sent), a Cache-Control that lets browsers and shared caches keep them for a while,
 * and `304 Not Modified` when the caller already holds them. Only routes declared `access: 'public'` may opt in
 * (checked when the route is registered), and an answer to a signed-in caller is never shared: it is `private,
 * no-cache` (revalidated each time, still with its ETag), since a public route may answer one differently.
 *
 * Every other HTML page (the resource pages, the documentation) gets an ETag and 304s too, so that its
 * `no-cache` costs a round trip and no body.
 */
export interface HttpCache {
  /** Seconds a browser or shared cache may use the answer without asking. */
  maxAge: number;
  /** Seconds it may still use it while it asks again in the background. */
  staleWhileRevalidate: number;
  /** Request headers the answer depends on besides the address and Accept-Encoding (always added). */
  vary: readonly string[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Public caching of this route's answers (see src/server/http-cache.ts); only for `access: 'public'`. */
    httpCache?: HttpCache;
  }
}

/** A public answer kept five minutes, and used for one more while it is asked again; `vary` as the answer needs. */
export function publicCache(options: Partial<HttpCache> = {}): HttpCache {
  return { maxAge: 300, staleWhileRevalidate: 60, vary: [], ...options };
}

/** A strong ETag of the bytes of an answer. */
export function strongEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for If-None-Match), or is `*`. */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === bare;
  });
}

/** Adds request headers to the answer's Vary, once each. */
export function addVary(reply: FastifyReply, headers: readonly string[]): void {
  const current = reply.getHeader('vary');
  const listed = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  const wanted = [...listed];
  for (const h of headers) if (!wanted.includes(h.toLowerCase())) wanted.push(h.toLowerCase());
  if (wanted.length > listed.length) void reply.header('vary', wanted.join(', '));
}

/** Sets the ETag and answers 304 with no body when the caller holds this version. */
function validate(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: string | Buffer,
): string | Buffer | null {
  const etag = strongEtag(payload);
  void reply.header('etag', etag);
  if (!noneMatchHits(request.headers['if-none-match'], etag)) return payload;
  void reply.code(304);
  reply.removeHeader('content-length');
  reply.removeHeader('content-type');
  reply.removeHeader('content-disposition');
  return null;
}

/** Installs the checks and the hook; call before the routes are registered. */
export function installHttpCache(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.httpCache && route.config.access !== 'public') {
      throw new Error(`${String(route.method)} ${route.url}: only a public route may be cached publicly`);
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
    if (reply.statusCode !== 200) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const cache = request.routeOptions.config.httpCache;
    if (cache) {
      void reply.header(
        'cache-control',
        request.actor
          ? 'private, no-cache'
          : `public, max-age=${cache.maxAge}, stale-while-revalidate=${cache.staleWhileRevalidate}`,
      );
      // Compression may or may not apply (size, the caller's Accept-Encoding): a shared cache must tell them apart.
      addVary(reply, ['accept-encoding', ...cache.vary]);
      return validate(request, reply, payload);
    }
    const type = String(reply.getHeader('content-type') ?? '');
    const control = String(reply.getHeader('cache-control') ?? '');
    if (type.startsWith('text/html') && !reply.hasHeader('etag') && !control.includes('no-store')) {
      return validate(request, reply, payload);
    }
    return payload;
  });
}
