import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/**
 * The Content-Security-Policy of every answer: the web app (built by Vite with no inline script), its service
 * worker, pdf.js's worker, the EPUB reader and the API documentation all pass it.
 *
 * - Scripts and workers only from this origin: no inline script, no eval.
 * - Styles from this origin and inline: the EPUB reader shows a chapter in a `srcdoc` frame, which inherits this
 *   policy, with the book's own `<style>`s and its stylesheets as `blob:` URLs (styles cannot run script).
 * - Pictures and fonts also from `data:` and `blob:` (the favicon, a book's pictures and fonts).
 * - Nobody may frame the app (`frame-ancestors 'none'`, and X-Frame-Options DENY for older browsers).
 * - No `upgrade-insecure-requests`: a school may serve the platform over plain HTTP on its own network.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'worker-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'", 'blob:'],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'frame-src': ["'self'"],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'upgrade-insecure-requests': null,
};

/** Strict-Transport-Security, sent only on answers to requests that came over TLS (see below). */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every answer, through @fastify/helmet: the policy above, no framing, no MIME sniffing,
 * no referrer outside the origin. HSTS is sent only when the request came over TLS — directly, or through a
 * reverse proxy trusted by `TRUST_PROXY` (its X-Forwarded-Proto): a school serving plain HTTP must not be told
 * to insist on HTTPS it does not have.
 */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https') void reply.header('strict-transport-security', HSTS);
  });
}
