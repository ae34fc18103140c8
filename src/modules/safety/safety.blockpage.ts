import { domainToASCII, domainToUnicode } from 'node:url';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import { rows, textArray, type Db } from '@/server/db/database';
import { localeFromHeader, translate, type Locale } from '@/server/i18n';
import type { Localised } from '@/modules/safety/safety.tables';
import '@/modules/safety/safety.requests.messages';

/**
 * The block page (`docs/safety.md`). A blocked name is answered by the school network's resolver with
 * Maktab's address, so the browser asks Maktab with the blocked name as its `Host`. Such a request — a Host
 * that is not Maktab's own — gets a small page in the visitor's language naming the domain, its category and
 * a link to ask for it to be unblocked on Maktab's own address. The page is plain HTML: no script, no
 * reflected text that is not escaped, the Host bounded and checked to be a domain name first.
 */

/** The longest Host (with a port) looked at; a domain name is at most 253 characters. */
const MAX_HOST = 300;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A domain name as stored (lower case, ASCII, an IDN in punycode, no trailing dot), from a Unicode or ASCII
 * spelling; null when it is not a domain name of at least two labels.
 */
export function normaliseDomain(input: string): string | null {
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed === '' || trimmed.length > 253 * 4) return null;
  if (isIP(trimmed)) return null;
  const ascii = domainToASCII(trimmed);
  if (ascii === '' || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return null;
  return ascii;
}

/** A stored domain as people read it (punycode decoded). */
export const unicodeOf = (domain: string): string => domainToUnicode(domain) || domain;

export interface BlockedCategory {
  code: string;
  name: Localised;
}

/**
 * The category a domain is blocked in, as far as Maktab knows: the domain or its nearest parent in a block list
 * of a category, else a keyword of a category that caught it. Null when no list or keyword names it (it may
 * still be blocked by a list without a category, or by exam mode).
 */
export async function categoryOfDomain(db: Db, domain: string): Promise<BlockedCategory | null> {
  const labels = domain.split('.');
  const candidates = labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
  const [row] = await rows<{ code: string; name: Localised }>(
    db,
    sql`
    select code, name from (
      select c.code, c.name, length(d.domain) as len, 0 as pref
      from safety_list_domain d
      join safety_list l on l.id = d.list_id and l.kind = 'block'
      join safety_category c on c.id = l.category_id
      where d.domain = any(${textArray(candidates)})
      union all
      select c.code, c.name, length(h.domain) as len, 1 as pref
      from safety_keyword_hit h
      join safety_keyword k on k.id = h.keyword_id
      join safety_category c on c.id = k.category_id
      where h.domain = any(${textArray(candidates)})
    ) m
    order by len desc, pref, code
    limit 1`,
  );
  return row ?? null;
}

/** What the block page and `GET /api/safety/blocked` tell about a domain. */
export interface BlockedInfo {
  domain: string;
  unicode: string;
  category: { code: string; name: string } | null;
}

export async function blockedInfo(db: Db, domain: string, locale: Locale): Promise<BlockedInfo> {
  const category = await categoryOfDomain(db, domain);
  return {
    domain,
    unicode: unicodeOf(domain),
    category: category
      ? {
          code: category.code,
          name: category.name[locale] || category.name.az || category.name.en || category.code,
        }
      : null,
  };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The block page's HTML: light, no script, every reflected text escaped. */
export function renderBlockPage(info: BlockedInfo, locale: Locale, publicUrl: string): string {
  const t = (key: string, params: Record<string, unknown> = {}) =>
    escapeHtml(translate(locale, `safetyBlock.${key}`, params));
  const ask = `${publicUrl.replace(/\/$/, '')}/safety/unblock?domain=${encodeURIComponent(info.domain)}`;
  const category = info.category
    ? `<p>${t('category')}: <strong>${escapeHtml(info.category.name)}</strong></p>`
    : `<p>${t('noCategory')}</p>`;
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${t('title')}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
main{max-width:34rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.5rem}
h1{font-size:1.4rem;margin:0 0 1rem}.d{word-break:break-all;font-weight:600}
a.b{display:inline-block;margin-top:1rem;padding:.7rem 1.1rem;background:#1f5fbf;color:#fff;border-radius:.4rem;text-decoration:none}
small{color:#555}
</style></head>
<body><main>
<h1>${t('title')}</h1>
<p>${t('lead')}</p>
<p class="d">${escapeHtml(info.unicode)}</p>
${category}
<p>${t('why')}</p>
<a class="b" href="${escapeHtml(ask)}">${t('ask')}</a>
<p><small>${t('teachersOnly')}</small></p>
</main></body></html>
`;
}

/** The host names that are Maktab's own: the public address's, loopback names, and any configured. */
export function ownHostsOf(publicUrl: string, configured: readonly string[] = []): Set<string> {
  const own = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
  try {
    own.add(new URL(publicUrl).hostname.toLowerCase());
  } catch {
    // A public address that is not a URL names no host.
  }
  for (const h of configured) own.add(h.trim().toLowerCase().replace(/\.$/, ''));
  return own;
}

/** The Host header without its port (an IPv6 literal keeps its brackets). */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * What a request's Host means: Maktab's own (serve the app), a blocked name (serve the block page for it), or
 * not a host name at all (400). IP literals and single-label names (a container's or machine's own name) are
 * taken as Maktab's own: the resolver blocks domain names, never addresses.
 */
export function classifyHost(
  host: string | undefined,
  own: ReadonlySet<string>,
): { kind: 'own' } | { kind: 'blocked'; domain: string } | { kind: 'invalid' } {
  if (host === undefined || host === '') return { kind: 'own' };
  if (host.length > MAX_HOST) return { kind: 'invalid' };
  const name = hostName(host.toLowerCase()).replace(/\.$/, '');
  if (own.has(name) || name.endsWith('.localhost') || isIP(name.replace(/^\[|\]$/g, ''))) {
    return { kind: 'own' };
  }
  if (/^[a-z0-9-]+$/.test(name)) return { kind: 'own' };
  const domain = normaliseDomain(name);
  if (!domain || own.has(domain)) return domain ? { kind: 'own' } : { kind: 'invalid' };
  return { kind: 'blocked', domain };
}

/** The status of the block page: 451, so that no cache or client takes it for the site's own content. */
export const BLOCK_STATUS = 451;

/**
 * Answers requests for blocked names with the block page, before any other hook (sessions, access) runs.
 * Call it at the top of `buildApp`, before `installSessionHooks`.
 */
export function installBlockPage(
  app: FastifyInstance,
  opts: { db: Db; publicUrl: string; ownHosts?: readonly string[] },
): void {
  const own = ownHostsOf(opts.publicUrl, opts.ownHosts);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const verdict = classifyHost(request.headers.host, own);
    if (verdict.kind === 'own') return;
    const locale = localeFromHeader(request.headers['accept-language']) ?? 'az';
    if (verdict.kind === 'invalid') {
      return reply
        .code(400)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(translate(locale, 'safetyBlock.badHost'));
    }
    const info = await blockedInfo(opts.db, verdict.domain, locale);
    return reply
      .code(BLOCK_STATUS)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-language', locale)
      .send(request.method === 'HEAD' ? '' : renderBlockPage(info, locale, opts.publicUrl));
  });
}
