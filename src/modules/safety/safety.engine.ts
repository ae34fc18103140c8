import crypto from 'node:crypto';

/**
 * The engine's compiler, pure: Unbound's local zones and tag configuration (`docs/safety.md`, "The engine").
 * Every domain of every tag in use is one `local-zone` carrying all its tags (`local-zone-tag`); what a tag
 * does is set per address range (`access-control-tag-action`, and `access-control-tag-data` for the block
 * address). Unbound takes the closest enclosing zone that has one of the client's tags, then the first of the
 * zone's tags (in `define-tag` order) the client has: so tags are defined in precedence order, and a zone
 * carries the tags of the zones above it too (an exception on `d` reaches a blocked `ads.d`).
 */

/** The file of the local zones, included by the configuration; also its name in the node API. */
export const ZONES_NAME = 'local-zones';
export const ZONES_FILE = `${ZONES_NAME}.conf`;

/** A tag: a letter, then letters, digits, `_` or `-` (also a DNS label and a file name). */
export const TAG = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * A tag's kind from its prefix, in precedence order (Unbound applies the first tag of a zone the client has).
 * SafeSearch and bypass protection come before the passes: an unblocked `youtube.com` or an allow list naming a
 * DoH host must not turn them off.
 */
const PRECEDENCE: [RegExp, string][] = [
  [/^ss_/, 'safesearch'],
  [/^bypass$/, 'bypass'],
  [/^x_/, 'exception'],
  [/^a_/, 'allow'],
  [/^e_/, 'exam'],
  [/^[cn]_/, 'category'],
  [/^n?l_/, 'list'],
];
export const tagRank = (tag: string): number => {
  const i = PRECEDENCE.findIndex(([re]) => re.test(tag));
  return i < 0 ? PRECEDENCE.length : i;
};
export const byPrecedence = (a: string, b: string): number => {
  // `e_all` (block every other name) comes after the exam's own allow list `e_<id>`.
  const rank = (t: string) => tagRank(t) * 2 + (t === 'e_all' ? 1 : 0);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
};

/** A 32-bit serial from a fingerprint of a content (it changes when the content does). */
export function serialOf(fingerprint: string): number {
  const n = crypto.createHash('sha256').update(fingerprint).digest().readUInt32BE(0);
  return n === 0 ? 1 : n;
}

/** Lower case, no trailing dot, a plausible ASCII host name (IDNs come punycoded); null when it is not. */
export function normaliseDomain(value: string): string | null {
  const d = value.trim().toLowerCase().replace(/\.$/, '');
  if (d.length === 0 || d.length > 253) return null;
  return /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(d)
    ? d
    : null;
}

/** What a tag does to a client that has it, in a zone that has it. */
export type TagAction =
  /** The block page's addresses (A and AAAA as tag data). */
  | { kind: 'block' }
  | { kind: 'nxdomain' }
  /** Resolves normally: exceptions, allow lists, an exam's list. */
  | { kind: 'pass' }
  /** SafeSearch: not a local zone but a small RPZ zone of exact names (see `safeSearchZone`). */
  | { kind: 'safesearch' };

/** The action of a tag; null for a tag the engine does not know. */
export function tagAction(tag: string): TagAction | null {
  if (!TAG.test(tag)) return null;
  if (tag === 'bypass') return { kind: 'nxdomain' };
  if (tag.startsWith('ss_')) return tag in SAFE_SEARCH ? { kind: 'safesearch' } : null;
  if (/^(x|a|e)_\d+$/.test(tag)) return { kind: 'pass' };
  if (tag === 'e_all' || /^c_.+$/.test(tag) || /^l_\d+$/.test(tag)) return { kind: 'block' };
  if (/^n_.+$/.test(tag) || /^nl_\d+$/.test(tag)) return { kind: 'nxdomain' };
  return null;
}

/** The root, as a domain of `e_all` (exam mode blocks every name not on its list). */
export const ROOT = '';

/** SafeSearch: each engine's search hosts, by CNAME to the engine's safe host. */
const GOOGLE_TLDS = [
  'com',
  'az',
  'ru',
  'com.tr',
  'ge',
  'kz',
  'by',
  'com.ua',
  'co.uk',
  'de',
  'fr',
  'es',
  'it',
  'ca',
  'com.au',
  'co.in',
  'nl',
  'pl',
  'ae',
  'com.sa',
  'ir',
  'am',
  'uz',
  'kg',
  'tm',
  'tj',
  'md',
  'lv',
  'lt',
  'ee',
  'co.jp',
  'cn',
  'co.kr',
  'com.br',
  'com.mx',
  'ch',
  'at',
  'be',
  'se',
  'no',
  'fi',
  'dk',
  'cz',
  'gr',
  'pt',
  'ro',
  'hu',
  'bg',
  'rs',
  'hr',
  'ie',
  'co.il',
  'com.eg',
  'com.pk',
  'co.id',
  'com.sg',
  'com.hk',
  'com.tw',
  'com.vn',
  'co.th',
  'com.ph',
  'com.my',
  'com.ar',
  'cl',
  'com.co',
  'com.pe',
  'co.za',
  'com.ng',
  'co.ke',
  'com.qa',
  'com.kw',
  'jo',
  'com.lb',
  'iq',
  'com.af',
];
const withWww = (hosts: string[]): string[] => hosts.flatMap((h) => [h, `www.${h}`]);
export const SAFE_SEARCH: Record<string, { target: string; hosts: string[] }> = {
  ss_google: { target: 'forcesafesearch.google.com', hosts: withWww(GOOGLE_TLDS.map((t) => `google.${t}`)) },
  ss_youtube_strict: {
    target: 'restrict.youtube.com',
    hosts: [
      'www.youtube.com',
      'm.youtube.com',
      'youtubei.googleapis.com',
      'youtube.googleapis.com',
      'www.youtube-nocookie.com',
    ],
  },
  ss_youtube_moderate: {
    target: 'restrictmoderate.youtube.com',
    hosts: [
      'www.youtube.com',
      'm.youtube.com',
      'youtubei.googleapis.com',
      'youtube.googleapis.com',
      'www.youtube-nocookie.com',
    ],
  },
  ss_bing: { target: 'strict.bing.com', hosts: ['bing.com', 'www.bing.com', 'cn.bing.com'] },
  ss_duckduckgo: {
    target: 'safe.duckduckgo.com',
    hosts: [
      'duckduckgo.com',
      'www.duckduckgo.com',
      'start.duckduckgo.com',
      'html.duckduckgo.com',
      'lite.duckduckgo.com',
    ],
  },
  ss_yandex: {
    target: 'familysearch.yandex.ru',
    hosts: withWww([
      'yandex.ru',
      'yandex.az',
      'yandex.com',
      'yandex.com.tr',
      'yandex.kz',
      'yandex.by',
      'yandex.ua',
      'yandex.uz',
      'ya.ru',
    ]),
  },
};

/**
 * SafeSearch stays RPZ: Unbound 1.17 follows a CNAME given as tag data (`access-control-tag-data`, the action
 * `redirect`), but a redirect covers every subdomain (`mail.google.com` would go to the safe host), and it
 * does not follow a CNAME given as `local-data` (checked on 1.17.1: the client gets the bare CNAME). An RPZ
 * zone answers the exact names and Unbound resolves the target. Six small zones, one per engine.
 */
const header = (serial: number): string =>
  `$TTL 60\n@ IN SOA localhost. hostmaster.maktab. ${serial} 3600 600 86400 60\n@ IN NS localhost.\n`;
export const rpzZoneName = (tag: string): string => `${tag}.rpz.maktab.`;
export const SAFE_SEARCH_TAGS = Object.keys(SAFE_SEARCH).sort();

export function safeSearchZone(tag: string): string {
  const engine = SAFE_SEARCH[tag]!;
  const body = engine.hosts.map((h) => `${h} CNAME ${engine.target}.\n`).join('');
  return header(serialOf(`${tag}\n${body}`)) + body;
}

/**
 * Bypass protection: the DoH canary `use-application-dns.net` (Firefox turns DoH off when it does not resolve)
 * and known DoH, VPN and proxy services, all answered NXDOMAIN. A built-in list, not exhaustive.
 */
export const BYPASS_DOMAINS = [
  'use-application-dns.net',
  // DNS over HTTPS / TLS
  'dns.google',
  'dns.google.com',
  'cloudflare-dns.com',
  'mozilla.cloudflare-dns.com',
  'one.one.one.one',
  'dns.quad9.net',
  'dns9.quad9.net',
  'dns10.quad9.net',
  'dns11.quad9.net',
  'doh.opendns.com',
  'dns.adguard.com',
  'dns.adguard-dns.com',
  'dns.nextdns.io',
  'doh.cleanbrowsing.org',
  'doh.dns.sb',
  'dns.alidns.com',
  'doh.pub',
  'dns.controld.com',
  'freedns.controld.com',
  'doh.mullvad.net',
  'dns.mullvad.net',
  'doh.libredns.gr',
  'doh.li',
  'dns.switch.ch',
  'doh.ffmuc.net',
  'dns.digitale-gesellschaft.ch',
  'chrome.cloudflare-dns.com',
  // VPN and proxy services
  'nordvpn.com',
  'expressvpn.com',
  'protonvpn.com',
  'surfshark.com',
  'cyberghostvpn.com',
  'privateinternetaccess.com',
  'windscribe.com',
  'tunnelbear.com',
  'hotspotshield.com',
  'hide.me',
  'hidemy.name',
  'hidester.com',
  'psiphon.ca',
  'psiphon3.com',
  'ultrasurf.us',
  'hola.org',
  'browsec.com',
  'zenmate.com',
  'vpnbook.com',
  'hideman.net',
  'betternet.co',
  'urban-vpn.com',
  'touchvpn.net',
  'x-vpn.com',
  'vpnunlimitedapp.com',
  'torproject.org',
  'kproxy.com',
  'proxysite.com',
  'croxyproxy.com',
  'hidemyass.com',
  '4everproxy.com',
  'proxyium.com',
  'blockaway.net',
  'plainproxies.com',
  'anonymouse.org',
  'whoer.net',
];

/** A tag in use and its domains (normalised; `ROOT` for the root). */
export interface TagDomains {
  tag: string;
  domains: Iterable<string>;
}

/**
 * The local zones of every tag in use (SafeSearch's aside), as `server:` lines. A domain in several tags is one
 * zone with all of them; a zone also carries the tags of the zones above it; a zone whose own tags the zones
 * above already carry is left out (it would answer the same). Written in chunks to `write`.
 */
export function localZones(tags: TagDomains[], write: (chunk: string) => void): { zones: number } {
  const ordered = [...tags]
    .filter((t) => !t.tag.startsWith('ss_'))
    .sort((a, b) => byPrecedence(a.tag, b.tag));
  const index = new Map(ordered.map((t, i) => [t.tag, i]));
  // Per domain, its own tags as a bitmask-like sorted list of indexes.
  const own = new Map<string, number[]>();
  for (const { tag, domains } of ordered) {
    const i = index.get(tag)!;
    for (const domain of domains) {
      const list = own.get(domain);
      if (!list) own.set(domain, [i]);
      else if (!list.includes(i)) list.push(i);
    }
  }
  // Parents before children: by the number of labels.
  const byDepth: string[][] = [];
  for (const domain of own.keys()) {
    const depth = domain === ROOT ? 0 : domain.split('.').length;
    (byDepth[depth] ??= []).push(domain);
  }
  /** The covering tags a zone hands down to its subdomains (the zones kept only). */
  const inherited = new Map<string, number[]>();
  const above = (domain: string): number[] => {
    if (domain === ROOT) return [];
    for (let d = domain; ;) {
      const dot = d.indexOf('.');
      d = dot < 0 ? ROOT : d.slice(dot + 1);
      const found = inherited.get(d);
      if (found) return found;
      if (d === ROOT) return [];
    }
  };
  let zones = 0;
  let buffer: string[] = ['server:\n'];
  for (const level of byDepth) {
    if (!level) continue;
    level.sort();
    for (const domain of level) {
      const mine = own.get(domain)!;
      const parents = above(domain);
      if (mine.every((i) => parents.includes(i))) continue; // answered the same by a parent zone
      const all = [...new Set([...parents, ...mine])].sort((a, b) => a - b);
      inherited.set(domain, all);
      const name = domain === ROOT ? '.' : `${domain}.`;
      buffer.push(
        `    local-zone: "${name}" transparent\n`,
        `    local-zone-tag: "${name}" "${all.map((i) => ordered[i]!.tag).join(' ')}"\n`,
      );
      zones++;
      if (buffer.length > 4096) {
        write(buffer.join(''));
        buffer = [];
      }
    }
  }
  write(buffer.join(''));
  return { zones };
}

/** A network's address range and the tags it has now. */
export interface TaggedRange {
  cidr: string;
  tags: string[];
}

/**
 * Unbound's tag configuration, included in the node's `unbound.conf`: `define-tag` in precedence order, per
 * network range `access-control`, `access-control-tag` and each tag's `access-control-tag-action` (with
 * `access-control-tag-data` for the block address and CNAMEs), `log-local-actions` (the logs count blocks from
 * it), and the local zones' file. `dir` is where the node keeps that file.
 */
export function tagConfiguration(
  ranges: TaggedRange[],
  dir: string,
  block: { v4: string; v6: string },
): string {
  const used = [...new Set(ranges.flatMap((r) => r.tags))].sort(byPrecedence);
  // SafeSearch's six tags first, always, so their numbers never change: Unbound keeps an RPZ zone across a
  // reload with the tag numbers it got when it was created.
  const tags = used.length > 0 ? [...SAFE_SEARCH_TAGS, ...used.filter((t) => !t.startsWith('ss_'))] : [];
  const out: string[] = [
    "# Written by Maktab (safety-node): the content filter's tags and local zones.\n",
    'server:\n',
  ];
  if (tags.length > 0) out.push(`    define-tag: "${tags.join(' ')}"\n`);
  out.push('    log-local-actions: yes\n');
  for (const r of [...ranges].sort((a, b) => (a.cidr < b.cidr ? -1 : 1))) {
    out.push(`    access-control: ${r.cidr} allow\n`);
    if (r.tags.length === 0) continue;
    const own = [...r.tags].sort(byPrecedence);
    out.push(`    access-control-tag: ${r.cidr} "${own.join(' ')}"\n`);
    for (const tag of own) {
      const action = tagAction(tag);
      if (!action) continue;
      const line = (type: string) => `    access-control-tag-action: ${r.cidr} ${tag} ${type}\n`;
      const data = (rr: string) => `    access-control-tag-data: ${r.cidr} ${tag} "${rr}"\n`;
      if (action.kind === 'block')
        out.push(line('redirect'), data(`A ${block.v4}`), data(`AAAA ${block.v6}`));
      else if (action.kind === 'nxdomain') out.push(line('always_nxdomain'));
      else if (action.kind === 'pass') out.push(line('always_transparent'));
    }
  }
  out.push(`include: "${dir}/${ZONES_FILE}"\n`);
  for (const tag of used.filter((t) => t.startsWith('ss_')))
    out.push(
      'rpz:\n',
      `    name: "${rpzZoneName(tag)}"\n`,
      `    zonefile: "${dir}/${tag}.zone"\n`,
      `    tags: "${tag}"\n`,
    );
  return out.join('');
}

/** The node's encrypted DNS: DNS over TLS and DNS over HTTPS on the same filtering Unbound. */
export interface EncryptedDns {
  /** The addresses Unbound listens on (e.g. `0.0.0.0`, `::0`, or the node's own). */
  addresses: string[];
  /** The certificate chain (PEM) and its private key, read by Unbound at start. */
  cert: string;
  key: string;
  /** Plain DNS port (53), kept: naming interfaces replaces Unbound's default ones. */
  port?: number;
  tlsPort?: number;
  httpsPort?: number;
}

/**
 * The `server:` lines of the node's `unbound.conf` for DoT (`tls-port`, 853) and DoH (`https-port`, 443, path
 * `/dns-query`) besides plain DNS on every address. Not part of `maktab.conf`: Unbound reads the key and binds
 * these ports at start only, so a change needs a restart. Filtering is by the client's address
 * (`access-control-tag`) whatever the transport.
 */
export function encryptedDnsConfiguration(options: EncryptedDns): string {
  const port = options.port ?? 53;
  const tlsPort = options.tlsPort ?? 853;
  const httpsPort = options.httpsPort ?? 443;
  for (const p of [port, tlsPort, httpsPort])
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`not a port: ${p}`);
  if (new Set([port, tlsPort, httpsPort]).size !== 3) throw new Error('the three ports must differ');
  for (const value of [options.cert, options.key, ...options.addresses])
    if (/["\n]/.test(value)) throw new Error(`not usable in unbound.conf: ${JSON.stringify(value)}`);
  if (options.addresses.length === 0) throw new Error('no address to listen on');
  const out = [
    '# Written by Maktab (safety-node-encrypted): DNS over TLS and over HTTPS. Needs an Unbound restart.\n',
    'server:\n',
  ];
  for (const address of options.addresses)
    for (const p of [port, tlsPort, httpsPort]) out.push(`    interface: ${address}@${p}\n`);
  out.push(
    `    tls-port: ${tlsPort}\n`,
    `    https-port: ${httpsPort}\n`,
    '    http-endpoint: "/dns-query"\n',
    `    tls-service-pem: "${options.cert}"\n`,
    `    tls-service-key: "${options.key}"\n`,
  );
  return out.join('');
}
