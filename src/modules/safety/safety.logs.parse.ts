/**
 * Unbound's log lines, as Debian's Unbound 1.17.1 writes them to its `logfile:` with `use-syslog: no`,
 * `log-time-ascii: no` (the time is seconds since 1970, UTC: the ASCII form has no year and is local time),
 * `log-queries: yes`, and per RPZ zone `rpz-log: yes` with `rpz-log-name: "<tag>"`:
 *
 *     [1796657509] unbound[13474:0] info: 127.0.1.5 ok.test. A IN
 *     [1796657509] unbound[13474:0] info: rpz: applied [c_gambling] *.casino.example. rpz-local-data 127.0.1.5@36529 www.casino.example. A IN
 *
 * and, for the engine's local zones, `log-local-actions: yes` (the zone, the zone's own type — not the tag nor
 * the action taken for this client — the client, and the query):
 *
 *     [1796657509] unbound[13474:0] info: casino.example. transparent 127.0.1.5@36529 www.casino.example. A IN
 *
 * A line is read in one pass, and the client's address never leaves this module: the caller gives `locate`,
 * which turns it into a network's index (or -1), and the result holds only that. Lines of any other kind
 * (start of service, replies with `log-replies`, errors) are not ours and read as null.
 */

/** A query: its time (seconds, UTC), the client's network (index, -1 when in no known network), name, type. */
export interface QueryLine {
  kind: 'query';
  time: number;
  network: number;
  /** Lower case, without the trailing dot. */
  name: string;
  type: string;
}

/** An RPZ zone applied to a query: the zone's log name (its tag), the action, and what the query was. */
export interface RpzLine {
  kind: 'rpz';
  time: number;
  network: number;
  /** The zone's `rpz-log-name`: the engine's tag, e.g. `c_gambling`, `l_12`, `a_3`, `ss_google`. */
  tag: string;
  /** `rpz-nxdomain`, `rpz-local-data`, `rpz-passthru`, `rpz-cname-override`, `rpz-drop`, … */
  action: string;
  name: string;
  type: string;
}

/** A query answered in a local zone: the zone (which the collector maps to its tags), and what was asked. */
export interface LocalLine {
  kind: 'local';
  time: number;
  network: number;
  /** Lower case, without the trailing dot (the root is `.`). */
  zone: string;
  /** The zone's own type as Unbound prints it (`transparent` for the engine's zones). */
  zoneType: string;
  name: string;
  type: string;
}

export type LogLine = QueryLine | RpzLine | LocalLine;

/** Unbound's local zone types, as `log-local-actions` prints them. */
const ZONE_TYPES = new Set([
  'deny',
  'refuse',
  'static',
  'transparent',
  'typetransparent',
  'redirect',
  'nodefault',
  'inform',
  'inform_deny',
  'inform_redirect',
  'always_transparent',
  'block_a',
  'always_refuse',
  'always_nxdomain',
  'always_null',
  'noview',
  'always_nodata',
  'always_deny',
]);

const INFO = ' info: ';
const RPZ = 'rpz: applied [';

/** The name as counted: lower case, no trailing dot (the root stays `.`). */
function cleanName(name: string): string {
  const lower = name.toLowerCase();
  return lower.length > 1 && lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Reads one line (without its newline); `locate` maps the client's address to a network index. */
export function parseLine(line: string, locate: (address: string) => number): LogLine | null {
  if (line.charCodeAt(0) !== 91 /* [ */) return null;
  const close = line.indexOf(']', 1);
  if (close < 2 || close > 12) return null;
  const time = Number(line.slice(1, close));
  if (!Number.isInteger(time)) return null;
  const info = line.indexOf(INFO, close);
  if (info < 0) return null;
  const rest = line.slice(info + INFO.length);
  if (rest.startsWith(RPZ)) {
    // rpz: applied [<tag>] <trigger> <action> <address>@<port> <name> <type> <class>
    const end = rest.indexOf('] ', RPZ.length);
    if (end < 0) return null;
    const tag = rest.slice(RPZ.length, end);
    const parts = rest.slice(end + 2).split(' ');
    if (parts.length !== 6) return null;
    const [, action, client, name, type] = parts as [string, string, string, string, string, string];
    const at = client.lastIndexOf('@');
    if (at <= 0 || !action.startsWith('rpz-')) return null;
    return {
      kind: 'rpz',
      time,
      network: locate(client.slice(0, at)),
      tag,
      action,
      name: cleanName(name),
      type,
    };
  }
  const parts = rest.split(' ');
  if (parts.length === 6 && ZONE_TYPES.has(parts[1]!)) {
    // <zone> <zone type> <address>@<port> <name> <type> <class>
    const [zone, zoneType, client, name, type] = parts as [string, string, string, string, string];
    const at = client.lastIndexOf('@');
    if (at <= 0 || !zone.endsWith('.') || !name.endsWith('.')) return null;
    return {
      kind: 'local',
      time,
      network: locate(client.slice(0, at)),
      zone: cleanName(zone),
      zoneType,
      name: cleanName(name),
      type,
    };
  }
  // <address> <name> <type> <class>; a reply (`log-replies`) has more fields and is not ours.
  if (parts.length !== 4) return null;
  const [client, name, type] = parts as [string, string, string, string];
  if (!name.endsWith('.')) return null;
  if (client.indexOf('.') < 0 && client.indexOf(':') < 0) return null;
  return { kind: 'query', time, network: locate(client), name: cleanName(name), type };
}

// ---------------------------------------------------------------------------------------------------------
// Addresses: networks, and the raw lines the node keeps.
// ---------------------------------------------------------------------------------------------------------

/** An IPv4 address as an unsigned 32-bit number, or null. */
export function ipv4ToNumber(address: string): number | null {
  // By character codes: this runs for every line.
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return null;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255) return null;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return n * 256 + part;
}

/** An IPv6 address (with `::`, or an embedded IPv4 tail) as a 128-bit bigint, or null. */
export function ipv6ToBigInt(address: string): bigint | null {
  let text = address;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    // An embedded IPv4 tail (`::ffff:10.0.0.1`) is two groups.
    const v4 = ipv4ToNumber(text.slice(lastColon + 1));
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const group = (s: string) => (s === '' ? [] : s.split(':'));
  const head = group(halves[0]!);
  const back = halves.length === 2 ? group(halves[1]!) : [];
  const groups = 8;
  let words: string[];
  if (halves.length === 2) {
    const fill = groups - head.length - back.length;
    if (fill < 0) return null;
    words = [...head, ...Array<string>(fill).fill('0'), ...back];
  } else words = head;
  if (words.length !== groups) return null;
  let n = 0n;
  for (const w of words) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return null;
    n = (n << 16n) | BigInt(parseInt(w, 16));
  }
  return n;
}

/**
 * A raw log line as the node keeps it: the client's address cut to its /24 (IPv4) or /48 (IPv6) network and
 * the client's port dropped, so no line names a device; the rest as Unbound wrote it.
 */
export function redactLine(line: string): string {
  // Every word that is an address (with or without `@port`) is cut, wherever it stands: a line of a kind not
  // parsed here (local actions, errors) cannot keep a device's address either.
  return line
    .split(' ')
    .map((word) => {
      const at = word.lastIndexOf('@');
      const address = at > 0 ? word.slice(0, at) : word;
      if (at > 0 && !/^\d+$/.test(word.slice(at + 1))) return word;
      return ipv4ToNumber(address) !== null || ipv6ToBigInt(address) !== null
        ? truncateAddress(address)
        : word;
    })
    .join(' ');
}

/** An address cut to its /24 or /48 network, written as a network (`10.1.2.0/24`, `2001:db8:1::/48`). */
export function truncateAddress(address: string): string {
  const v4 = ipv4ToNumber(address);
  if (v4 !== null) return `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.0/24`;
  const v6 = ipv6ToBigInt(address);
  if (v6 !== null) {
    const words = [0, 1, 2].map((i) => Number((v6 >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
    return `${words.join(':')}::/48`;
  }
  return '-';
}
