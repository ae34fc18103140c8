import crypto from 'node:crypto';

/**
 * The engine's compiler, pure: RPZ zone text per tag and Unbound's tag configuration (`docs/safety.md`, "The
 * engine"). A zone `<tag>.rpz.maktab.` is applied to the clients whose address range has the tag; zones are
 * written with names relative to the zone, so a file is loaded under the name the configuration gives it.
 */

export const ZONE_SUFFIX = 'rpz.maktab.';
export const zoneName = (tag: string): string => `${tag}.${ZONE_SUFFIX}`;

/** A tag: a letter, then letters, digits, `_` or `-` (also a DNS label and a file name). */
export const TAG = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * A tag's kind from its prefix, in the order its zones are applied (first match wins in Unbound). SafeSearch
 * and bypass protection come before the passes: an unblocked `youtube.com` or an allow list naming a DoH host
 * must not turn them off.
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
export const byPrecedence = (a: string, b: string): number =>
  tagRank(a) - tagRank(b) || (a < b ? -1 : a > b ? 1 : 0);

/** A 32-bit SOA serial from a fingerprint of a zone's content (it changes when the content does). */
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

const header = (serial: number): string =>
  `$TTL 60\n@ IN SOA localhost. hostmaster.maktab. ${serial} 3600 600 86400 60\n@ IN NS localhost.\n`;

export type Answer =
  { kind: 'address'; v4: string; v6: string } | { kind: 'nxdomain' } | { kind: 'passthru' };

/** A zone whose every domain (and its subdomains) gets the same answer. */
export function domainZone(serial: number, domains: Iterable<string>, answer: Answer): string {
  const rdata =
    answer.kind === 'address'
      ? [`A ${answer.v4}`, `AAAA ${answer.v6}`]
      : answer.kind === 'nxdomain'
        ? ['CNAME .']
        : ['CNAME rpz-passthru.'];
  const out: string[] = [header(serial)];
  for (const domain of domains)
    for (const owner of [domain, `*.${domain}`]) for (const r of rdata) out.push(`${owner} ${r}\n`);
  return out.join('');
}

/**
 * Exam mode is two zones: `e_<examId>` passes the exam's allow list, then `e_all` blocks every other name with a
 * root wildcard (`*`). The wildcard is a zone of its own: Unbound 1.17 misses the root wildcard for some names
 * when the same zone holds other names (found by `safety.unbound.test.ts`).
 */
export function blockAllZone(v4: string, v6: string): string {
  const body = `* A ${v4}\n* AAAA ${v6}\n`;
  return header(serialOf(body)) + body;
}

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

export function bypassZone(): string {
  const body = domainZone(0, BYPASS_DOMAINS, { kind: 'nxdomain' });
  return body.replace(/ 0 3600 /, ` ${serialOf(body)} 3600 `);
}

/** A network's address range and the tags it has now. */
export interface TaggedRange {
  cidr: string;
  tags: string[];
}

/**
 * Unbound's tag configuration, included in the node's `unbound.conf`: `define-tag`, a `rpz:` clause per zone in
 * precedence order (each logged under its tag's name, applied to its tag), and per network range
 * `access-control` with `access-control-tag`. `dir` is where the node keeps the zone files.
 */
export function tagConfiguration(ranges: TaggedRange[], dir: string): string {
  const tags = [...new Set(ranges.flatMap((r) => r.tags))].sort(byPrecedence);
  const out: string[] = [
    "# Written by Maktab (safety-node): the content filter's tags and RPZ zones.\n",
    'server:\n',
  ];
  if (tags.length > 0) out.push(`    define-tag: "${tags.join(' ')}"\n`);
  for (const r of [...ranges].sort((a, b) => (a.cidr < b.cidr ? -1 : 1))) {
    out.push(`    access-control: ${r.cidr} allow\n`);
    if (r.tags.length > 0)
      out.push(`    access-control-tag: ${r.cidr} "${[...r.tags].sort(byPrecedence).join(' ')}"\n`);
  }
  for (const tag of tags) {
    out.push(
      'rpz:\n',
      `    name: "${zoneName(tag)}"\n`,
      `    zonefile: "${dir}/${tag}.zone"\n`,
      '    rpz-log: yes\n',
      `    rpz-log-name: "${tag}"\n`,
      `    tags: "${tag}"\n`,
    );
  }
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
