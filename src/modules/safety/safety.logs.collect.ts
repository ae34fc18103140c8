import { domainToUnicode } from 'node:url';
import { foldText } from '@/server/fold';
import { SCHOOL_TIME_ZONE } from '@/modules/classroom/classroom.service';
import { ipv4ToNumber, ipv6ToBigInt, parseLine } from '@/modules/safety/safety.logs.parse';
import { tagAction } from '@/modules/safety/safety.engine';
import {
  MAX_BATCH_ROWS,
  type BlockedRow,
  type CountsBatch,
  type DomainRow,
  type KeywordHitRow,
  type LogSetup,
  type NetworkKind,
  type QueryRow,
} from '@/modules/safety/safety.logs.schema';

/**
 * The collector: it takes Unbound's log lines and keeps counts — queries and blocked queries per school ×
 * network kind × hour, blocked queries per school × category × hour, blocked queries per school × domain × day,
 * and the names that match a keyword. It keeps no address: a line's client is turned into its network by
 * `parseLine` and forgotten there; a client in no known network adds one to `unattributed`, nothing else.
 *
 * The category of a block is its zone's tag: `c_<code>` is the category `code`; `l_<id>` the category of the
 * list `id`, or `other` when the list has none; `e_<id>` (exam mode) is `exam`; `bypass` is `bypass`; any other
 * tag is `other`. SafeSearch rewrites (`ss_*`) and passes (`rpz-passthru`: allow lists `a_*`, approved
 * requests `x_*`) are not blocks.
 *
 * With the engine's local zones, Unbound's line names the zone, not the tag: the collector is given the node's
 * own files (`zoneMapOf`: each zone's tags, each range's tags) and takes, as Unbound does, the zone's first tag
 * the client's range has; a pass (`x_*`, `a_*`, an exam's list `e_<id>`) is not a block.
 */

/** The node's local zones' tags and its ranges' tags, read from the files the node agent wrote. */
export interface ZoneMap {
  /** Zone (lower case, no trailing dot; the root `.`) → its tags in precedence order. */
  zones: Map<string, string[]>;
  /** Network range (as in `access-control-tag`) → its tags. */
  ranges: Map<string, Set<string>>;
}

/** Reads `local-zone-tag` lines of the local zones' file and `access-control-tag` lines of `maktab.conf`. */
export function zoneMapOf(zonesText: string, configText: string): ZoneMap {
  const zones = new Map<string, string[]>();
  for (const m of zonesText.matchAll(/^\s*local-zone-tag: "([^"]+)" "([^"]*)"$/gm)) {
    const name = m[1]!.toLowerCase();
    zones.set(
      name.length > 1 && name.endsWith('.') ? name.slice(0, -1) : name,
      m[2]!.split(' ').filter(Boolean),
    );
  }
  const ranges = new Map<string, Set<string>>();
  for (const m of configText.matchAll(/^\s*access-control-tag: (\S+) "([^"]*)"$/gm))
    ranges.set(m[1]!, new Set(m[2]!.split(' ').filter(Boolean)));
  return { zones, ranges };
}

/** Buckets of blocks that are not a category of the catalogue. */
export const OTHER_BUCKET = 'other';
export const EXAM_BUCKET = 'exam';
export const BYPASS_BUCKET = 'bypass';

const DOMAIN = /^[a-z0-9_.-]{1,253}$/;
const ASCII = /^[\x20-\x7e]*$/;
const CACHE_LIMIT = 200_000;

interface Network {
  cidr: string;
  institutionId: number;
  kind: NetworkKind;
  /** Index of the (school, kind) pair: what the hourly counts are kept by. */
  slot: number;
}

/** Finds a client's network: longest prefix first, each prefix length a map; answers cached per address. */
export class NetworkIndex {
  readonly networks: Network[] = [];
  private readonly v4: { bits: number; map: Map<number, number> }[] = [];
  private readonly v6: { bits: number; map: Map<bigint, number> }[] = [];
  private readonly cache = new Map<string, number>();
  readonly slots: { institutionId: number; kind: NetworkKind }[] = [];

  constructor(networks: LogSetup['networks']) {
    const slotOf = new Map<string, number>();
    for (const n of networks) {
      const key = `${n.institutionId}|${n.kind}`;
      let slot = slotOf.get(key);
      if (slot === undefined) {
        slot = this.slots.length;
        slotOf.set(key, slot);
        this.slots.push({ institutionId: n.institutionId, kind: n.kind });
      }
      const index = this.networks.length;
      this.networks.push({ cidr: n.cidr, institutionId: n.institutionId, kind: n.kind, slot });
      const [address, lengthText] = n.cidr.split('/') as [string, string | undefined];
      const v4 = ipv4ToNumber(address);
      if (v4 !== null) {
        const bits = lengthText === undefined ? 32 : Number(lengthText);
        let level = this.v4.find((l) => l.bits === bits);
        if (!level) this.v4.push((level = { bits, map: new Map() }));
        level.map.set(mask4(v4, bits), index);
        continue;
      }
      const v6 = ipv6ToBigInt(address);
      if (v6 === null) continue;
      const bits = lengthText === undefined ? 128 : Number(lengthText);
      let level = this.v6.find((l) => l.bits === bits);
      if (!level) this.v6.push((level = { bits, map: new Map() }));
      level.map.set(mask6(v6, bits), index);
    }
    this.v4.sort((a, b) => b.bits - a.bits);
    this.v6.sort((a, b) => b.bits - a.bits);
  }

  /** The network's index of an address, or -1. IPv4 is looked up each time; IPv6's answers are cached. */
  locate = (address: string): number => {
    const v4 = ipv4ToNumber(address);
    if (v4 !== null) {
      for (const level of this.v4) {
        const hit = level.map.get(mask4(v4, level.bits));
        if (hit !== undefined) return hit;
      }
      return -1;
    }
    const cached = this.cache.get(address);
    if (cached !== undefined) return cached;
    let found = -1;
    const v6 = ipv6ToBigInt(address);
    if (v6 !== null)
      for (const level of this.v6) {
        const hit = level.map.get(mask6(v6, level.bits));
        if (hit !== undefined) {
          found = hit;
          break;
        }
      }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(address, found);
    return found;
  };
}

const mask4 = (n: number, bits: number) => (bits === 0 ? 0 : (n - (n % 2 ** (32 - bits))) >>> 0);
const mask6 = (n: bigint, bits: number) =>
  bits === 0 ? 0n : (n >> BigInt(128 - bits)) << BigInt(128 - bits);

const schoolDate = new Intl.DateTimeFormat('en-CA', { timeZone: SCHOOL_TIME_ZONE });

/** A name's folded Unicode form: punycode labels decoded, then folded as the library's search folds text. */
export function foldedName(name: string): string {
  const unicode = name.includes('xn--') ? domainToUnicode(name) || name : name;
  return ASCII.test(unicode) ? unicode.toLowerCase() : foldText(unicode);
}

export class LogCollector {
  readonly index: NetworkIndex;
  private readonly listCategory: Map<number, string | null>;
  private readonly keywords: { id: number; folded: string }[];
  /** slot * 2^20 + hour → [queries, blocked]. */
  private readonly hours = new Map<number, [number, number]>();
  private readonly blockedHours = new Map<string, number>();
  private readonly domainDays = new Map<string, number>();
  private readonly hits = new Set<string>();
  private readonly keywordCache = new Map<string, number[] | null>();
  private readonly dayOfHour = new Map<number, string>();
  unattributed = 0;
  /** Lines read, and those of ours. */
  lines = 0;
  counted = 0;

  constructor(
    setup: LogSetup,
    private readonly zoneMap: ZoneMap | null = null,
  ) {
    this.index = new NetworkIndex(setup.networks);
    this.listCategory = new Map(setup.lists.map((l) => [l.id, l.categoryCode]));
    this.keywords = setup.keywords.filter((k) => k.folded.length > 0);
  }

  /** The category (or bucket) a block by this zone counts under; null when the zone does not block. */
  categoryOf(tag: string, action: string): string | null {
    if (action === 'rpz-passthru') return null;
    // `n_` and `nl_` are the NXDOMAIN twins of `c_` and `l_` (docs/safety.md, the engine).
    if (tag.startsWith('c_') || tag.startsWith('n_')) return tag.slice(2) || OTHER_BUCKET;
    if (tag.startsWith('l_')) return this.listCategory.get(Number(tag.slice(2))) ?? OTHER_BUCKET;
    if (tag.startsWith('nl_')) return this.listCategory.get(Number(tag.slice(3))) ?? OTHER_BUCKET;
    if (tag.startsWith('ss_') || tag.startsWith('a_') || tag.startsWith('x_')) return null;
    if (tag.startsWith('e_')) return EXAM_BUCKET;
    if (tag === 'bypass') return BYPASS_BUCKET;
    return OTHER_BUCKET;
  }

  /** Counts one line of the log. */
  add(line: string): void {
    this.lines++;
    const entry = parseLine(line, this.index.locate);
    if (!entry) return;
    this.counted++;
    const hour = Math.floor(entry.time / 3600);
    if (entry.kind === 'query') {
      if (entry.network < 0) {
        this.unattributed++;
        return;
      }
      const key = this.index.networks[entry.network]!.slot * 1_048_576 + hour;
      const counts = this.hours.get(key);
      if (counts) counts[0]++;
      else this.hours.set(key, [1, 0]);
      if (this.keywords.length > 0) this.matchKeywords(entry.name);
      return;
    }
    if (entry.network < 0) return;
    const network = this.index.networks[entry.network]!;
    let category: string | null;
    if (entry.kind === 'local') {
      // The zone's first tag the client's range has decides (Unbound's rule); a pass is not a block.
      const tags = this.zoneMap?.zones.get(entry.zone);
      const has = this.zoneMap?.ranges.get(network.cidr);
      const tag = tags && has ? tags.find((t) => has.has(t)) : undefined;
      if (tag === undefined || tagAction(tag)?.kind === 'pass') return;
      category = this.categoryOf(tag, 'local');
    } else category = this.categoryOf(entry.tag, entry.action);
    if (category === null) return;
    const key = network.slot * 1_048_576 + hour;
    const counts = this.hours.get(key);
    if (counts) counts[1]++;
    else this.hours.set(key, [0, 1]);
    const blockedKey = `${network.institutionId}|${category}|${hour}`;
    this.blockedHours.set(blockedKey, (this.blockedHours.get(blockedKey) ?? 0) + 1);
    if (DOMAIN.test(entry.name)) {
      const domainKey = `${network.institutionId}|${this.day(hour)}|${entry.name}|${category}`;
      this.domainDays.set(domainKey, (this.domainDays.get(domainKey) ?? 0) + 1);
    }
  }

  private day(hour: number): string {
    let day = this.dayOfHour.get(hour);
    if (day === undefined) {
      day = schoolDate.format(new Date(hour * 3_600_000));
      this.dayOfHour.set(hour, day);
    }
    return day;
  }

  private matchKeywords(name: string): void {
    let found = this.keywordCache.get(name);
    if (found === undefined) {
      const folded = foldedName(name);
      const ids = this.keywords.filter((k) => folded.includes(k.folded)).map((k) => k.id);
      found = ids.length > 0 && DOMAIN.test(name) ? ids : null;
      if (this.keywordCache.size >= CACHE_LIMIT) this.keywordCache.clear();
      this.keywordCache.set(name, found);
    }
    if (found) for (const id of found) this.hits.add(`${id}|${name}`);
  }

  /** Whether anything was counted since the last `take`. */
  get empty(): boolean {
    return this.hours.size === 0 && this.hits.size === 0 && this.unattributed === 0;
  }

  /** The counts so far, as rows, and a fresh start. */
  take(): Omit<CountsBatch, 'batchId'> {
    const queries: QueryRow[] = [];
    for (const [key, [q, b]] of this.hours) {
      const slot = this.index.slots[Math.floor(key / 1_048_576)]!;
      queries.push({
        institutionId: slot.institutionId,
        networkKind: slot.kind,
        hour: new Date((key % 1_048_576) * 3_600_000).toISOString(),
        queries: q,
        blocked: b,
      });
    }
    const blocked: BlockedRow[] = [];
    for (const [key, count] of this.blockedHours) {
      const [institutionId, categoryCode, hour] = key.split('|') as [string, string, string];
      blocked.push({
        institutionId: Number(institutionId),
        categoryCode,
        hour: new Date(Number(hour) * 3_600_000).toISOString(),
        count,
      });
    }
    const domains: DomainRow[] = [];
    for (const [key, count] of this.domainDays) {
      const [institutionId, day, domain, categoryCode] = key.split('|') as [string, string, string, string];
      domains.push({ institutionId: Number(institutionId), day, domain, categoryCode, count });
    }
    const keywordHits: KeywordHitRow[] = [...this.hits].map((key) => {
      const bar = key.indexOf('|');
      return { keywordId: Number(key.slice(0, bar)), domain: key.slice(bar + 1) };
    });
    const out = { queries, blocked, domains, keywordHits, unattributed: this.unattributed };
    this.hours.clear();
    this.blockedHours.clear();
    this.domainDays.clear();
    this.hits.clear();
    this.unattributed = 0;
    return out;
  }
}

/** Counts cut into batches of at most `MAX_BATCH_ROWS` rows of each kind, named `<base>.<part>`. */
export function splitCounts(base: string, counts: Omit<CountsBatch, 'batchId'>): CountsBatch[] {
  const parts = Math.max(
    1,
    ...[counts.queries, counts.blocked, counts.domains, counts.keywordHits].map((a) =>
      Math.ceil(a.length / MAX_BATCH_ROWS),
    ),
  );
  const slice = <T>(a: T[], i: number) => a.slice(i * MAX_BATCH_ROWS, (i + 1) * MAX_BATCH_ROWS);
  return Array.from({ length: parts }, (_, i) => ({
    batchId: `${base}.${i}`,
    queries: slice(counts.queries, i),
    blocked: slice(counts.blocked, i),
    domains: slice(counts.domains, i),
    keywordHits: slice(counts.keywordHits, i),
    unattributed: i === 0 ? counts.unattributed : 0,
  }));
}
