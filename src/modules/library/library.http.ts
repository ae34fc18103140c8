import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * HTTP for the library's files: validators (ETag, Last-Modified), conditional requests (RFC 9110 §13) and
 * CORS for open content. Stored objects never change under their key (a new upload is a new file), so one
 * strong validator per object holds for as long as the object does.
 */

/** What identifies one version of a stored object. */
export interface Validators {
  /** A strong entity tag, quoted. */
  etag: string;
  lastModified: Date;
}

/** The fields of a library file row the validators come from. */
interface FileIdentity {
  id: number;
  version: number;
  sizeBytes: number;
  sha256: string | null;
  createdAt: Date;
}

/** A file's validators: its content hash when one is kept, else its id, version and size (rows never change). */
export function fileValidators(file: FileIdentity): Validators {
  const tag = file.sha256 ?? `f${file.id}-v${file.version}-${file.sizeBytes}`;
  return { etag: `"${tag}"`, lastModified: file.createdAt };
}

/**
 * An HLS playlist's or segment's validators: it has no row of its own, but lives and dies with its master
 * playlist's row (processing again makes a new row), so that row, the name and the size tell it.
 */
export function hlsValidators(master: FileIdentity, name: string, size: number): Validators {
  return { etag: `"h${master.id}-${name}-${size}"`, lastModified: master.createdAt };
}

/** The time as HTTP sends it: whole seconds. */
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The entity tags of an If-None-Match or If-Match header, or `*`. */
function tagList(header: string): string[] | '*' {
  if (header.trim() === '*') return '*';
  return header.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

/** Whether If-None-Match matches (weak comparison, RFC 9110 §13.1.2). */
function noneMatchHits(header: string, etag: string): boolean {
  const tags = tagList(header);
  if (tags === '*') return true;
  return tags.some((tag) => tag.replace(/^W\//, '') === etag);
}

/** A date header as milliseconds, or null when it is not a date. */
function httpDate(value: string): number | null {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Whether a GET or HEAD is answered 304 Not Modified: If-None-Match when it is sent, else If-Modified-Since
 * (RFC 9110 §13.2.2).
 */
export function notModified(request: FastifyRequest, v: Validators): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const noneMatch = request.headers['if-none-match'];
  if (noneMatch !== undefined) return noneMatchHits(noneMatch, v.etag);
  const since = request.headers['if-modified-since'];
  if (since === undefined) return false;
  const ms = httpDate(since);
  return ms !== null && seconds(v.lastModified) * 1000 <= ms;
}

/**
 * Whether a Range request's If-Range lets the range through (RFC 9110 §13.1.5): an entity tag must be
 * strong and equal to ours; a date must be exactly our Last-Modified. Otherwise the whole object is sent.
 */
export function rangeAllowed(request: FastifyRequest, v: Validators): boolean {
  const ifRange = request.headers['if-range'];
  if (Array.isArray(ifRange)) return false;
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('W/')) return false;
  if (value.startsWith('"')) return value === v.etag;
  const ms = httpDate(value);
  return ms !== null && ms === seconds(v.lastModified) * 1000;
}

/** Sets the validators on an answer. */
export function setValidators(reply: FastifyReply, v: Validators): void {
  void reply.header('etag', v.etag).header('last-modified', v.lastModified.toUTCString());
}

/** Which origins may read open content from a browser: every one, or a list (empty: none). */
export type CorsOrigins = '*' | readonly string[];

/** The headers a page on another site may read from a media answer. */
const EXPOSED = 'Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified';
/** The headers such a page may send: ranges and revalidation. */
const ALLOWED = 'Range, If-Range, If-None-Match, If-Modified-Since';

/**
 * Lets other sites' pages read this answer (open content only: published media, OAI-PMH): the origin is
 * allowed when every one is or it is on the list. No credentials are ever allowed.
 */
export function allowCrossOrigin(request: FastifyRequest, reply: FastifyReply, origins: CorsOrigins): void {
  if (origins === '*') {
    void reply.header('access-control-allow-origin', '*');
  } else {
    if (origins.length === 0) return;
    void reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (!origin || !origins.includes(origin)) return;
    void reply.header('access-control-allow-origin', origin);
  }
  void reply.header('access-control-expose-headers', EXPOSED);
  // A page or player on another site may embed it even without asking for CORS.
  void reply.header('cross-origin-resource-policy', 'cross-origin');
}

/** Answers a CORS preflight for open content: the methods given, ranges and revalidation headers. */
export function preflight(
  request: FastifyRequest,
  reply: FastifyReply,
  origins: CorsOrigins,
  methods: string,
): FastifyReply {
  allowCrossOrigin(request, reply, origins);
  if (reply.hasHeader('access-control-allow-origin')) {
    void reply
      .header('access-control-allow-methods', methods)
      .header('access-control-allow-headers', ALLOWED)
      .header('access-control-max-age', '86400');
  }
  return reply.status(204).send();
}
