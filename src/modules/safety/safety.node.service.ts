import { isIPv4, isIPv6 } from 'node:net';
import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import { effectivePolicy, lessonWindowsOf, type NetworkKind } from '@/modules/safety/safety.effective';
import {
  BYPASS_DOMAINS,
  ROOT,
  SAFE_SEARCH,
  ZONES_NAME,
  byPrecedence,
  localZones,
  normaliseDomain,
  safeSearchZone,
  serialOf,
  tagAction,
  tagConfiguration,
  type TagDomains,
  type TaggedRange,
} from '@/modules/safety/safety.engine';
import * as store from '@/modules/safety/safety.engine.store';
import '@/modules/safety/safety.node.messages';

/** Where the node keeps its zone files: the node agent puts its `--dir` in place of this. */
export const DIR_PLACEHOLDER = '@DIR@';

export interface NodeState {
  serial: number;
  zones: { name: string; serial: number }[];
  config: string;
  settings: { blockAddressV4: string; blockAddressV6: string; logRetentionDays: number };
}

/** Each network's tags now. */
export function taggedRanges(
  snapshot: store.EngineSnapshot,
  at: Date,
): (TaggedRange & { institutionId: number; kind: string })[] {
  const unblocksBySchool = new Map<number, store.EngineSnapshot['unblocks']>();
  for (const u of snapshot.unblocks) {
    if (normaliseDomain(u.domain) === null) continue;
    unblocksBySchool.set(u.institutionId, [...(unblocksBySchool.get(u.institutionId) ?? []), u]);
  }
  return snapshot.networks.map((n) => {
    const effective = effectivePolicy({
      network: { institutionId: n.institutionId, kind: n.kind as NetworkKind },
      areaChain: n.areaChain,
      now: at,
      assignments: snapshot.assignments,
      lessonWindows: lessonWindowsOf(
        n.institutionId,
        n.areaChain,
        snapshot.bells.get(n.institutionId) ?? [],
        snapshot.windows,
      ),
      holidays: snapshot.holidays,
      exams: snapshot.exams,
      unblocks: unblocksBySchool.get(n.institutionId) ?? [],
      policies: snapshot.policies,
    });
    // A tag whose domains cannot be found (a list or category deleted meanwhile) is left out.
    const tags = effective.tags.filter((t) => fingerprintOf(snapshot, t, at) !== null);
    return { cidr: n.cidr, tags, institutionId: n.institutionId, kind: n.kind };
  });
}

/** The school's approved unblock domains in force at `at`. */
function unblockedDomains(snapshot: store.EngineSnapshot, institutionId: number, at: Date): string[] {
  const t = at.getTime();
  const domains = snapshot.unblocks
    .filter((u) => u.institutionId === institutionId && u.startsAt.getTime() <= t && t < u.endsAt.getTime())
    .map((u) => normaliseDomain(u.domain))
    .filter((d): d is string => d !== null);
  return [...new Set(domains)].sort();
}

/** A fingerprint of a tag's domains, from the rows' serials (no domains read); null for an unknown tag. */
function fingerprintOf(snapshot: store.EngineSnapshot, tag: string, at: Date): string | null {
  if (tagAction(tag) === null) return null;
  let m: RegExpExecArray | null;
  if ((m = /^([cn])_(.+)$/.exec(tag))) {
    const category = snapshot.categories.get(m[2]!);
    return category ? `${tag}|${category.fingerprint}` : null;
  }
  if ((m = /^(n?l|a)_(\d+)$/.exec(tag))) {
    const list = snapshot.lists.get(Number(m[2]));
    if (!list || list.kind !== (m[1] === 'a' ? 'allow' : 'block')) return null;
    return `${tag}|${list.serial}`;
  }
  if ((m = /^x_(\d+)$/.exec(tag))) return `${tag}|${unblockedDomains(snapshot, Number(m[1]), at).join(',')}`;
  if ((m = /^e_(\d+)$/.exec(tag))) {
    const exam = snapshot.exams.find((e) => e.id === Number(m![1]));
    const list = exam && snapshot.lists.get(exam.allowListId);
    return exam && list ? `${tag}|${exam.version}|${list.serial}` : null;
  }
  // SafeSearch, bypass, e_all: built in (their lists change with the code, and so does this).
  return `${tag}|${tag in SAFE_SEARCH ? SAFE_SEARCH[tag]!.hosts.join(',') : tag === 'bypass' ? BYPASS_DOMAINS.join(',') : ''}`;
}

/** The tags in use now, in precedence order, and the serial of their local zones. */
function zonesInUse(snapshot: store.EngineSnapshot, ranges: TaggedRange[], at: Date) {
  const tags = [...new Set(ranges.flatMap((r) => r.tags))].sort(byPrecedence);
  const serial = serialOf(tags.map((t) => fingerprintOf(snapshot, t, at)!).join('\n'));
  return { tags, serial };
}

/**
 * The state every node applies now: the tag configuration, the local zones' file (`local-zones`) and the
 * SafeSearch RPZ zones in use, with their serials.
 */
export async function nodeState(db: Db, at: Date): Promise<NodeState> {
  const snapshot = await store.readSnapshot(db, at);
  const ranges = taggedRanges(snapshot, at);
  const { serial: zonesSerial } = zonesInUse(snapshot, ranges, at);
  const { blockAddressV4: v4, blockAddressV6: v6 } = snapshot.settings;
  const config = tagConfiguration(ranges, DIR_PLACEHOLDER, { v4, v6 });
  const safeSearch = [...new Set(ranges.flatMap((r) => r.tags))].filter((t) => t in SAFE_SEARCH).sort();
  const zones = [
    { name: ZONES_NAME, serial: zonesSerial },
    ...safeSearch.map((name) => ({ name, serial: serialOf(safeSearchZone(name)) })),
  ];
  const serial = serialOf(`${config}\n${zonesSerial}`);
  return { serial, zones, config, settings: snapshot.settings };
}

const unknownZone = () => new AppError(404, 'safety.zone.unknown');

/** The serial of a zone file now (cheap: no domains read); 404 for a name no zone has. */
export async function zoneSerial(db: Db, name: string, at: Date): Promise<number> {
  if (name in SAFE_SEARCH) return serialOf(safeSearchZone(name));
  if (name !== ZONES_NAME) throw unknownZone();
  const snapshot = await store.readSnapshot(db, at);
  return zonesInUse(snapshot, taggedRanges(snapshot, at), at).serial;
}

/** The file of local zones (Unbound `server:` lines), or a SafeSearch RPZ zone, and its serial; else 404. */
export async function zoneText(db: Db, name: string, at: Date): Promise<{ serial: number; text: string }> {
  if (name in SAFE_SEARCH) {
    const text = safeSearchZone(name);
    return { serial: serialOf(text), text };
  }
  if (name !== ZONES_NAME) throw unknownZone();
  const snapshot = await store.readSnapshot(db, at);
  const { tags, serial } = zonesInUse(snapshot, taggedRanges(snapshot, at), at);
  const clean = (domains: string[]) =>
    new Set(domains.map(normaliseDomain).filter((d): d is string => d !== null));
  const input: TagDomains[] = [];
  for (const tag of tags.filter((t) => !(t in SAFE_SEARCH))) {
    let m: RegExpExecArray | null;
    let domains: Iterable<string>;
    if ((m = /^[cn]_(.+)$/.exec(tag)))
      domains = clean(await store.categoryDomains(db, snapshot.categories.get(m[1]!)!.id));
    else if ((m = /^(?:n?l|a)_(\d+)$/.exec(tag)))
      domains = clean(await store.domainsOfList(db, Number(m[1])));
    else if ((m = /^x_(\d+)$/.exec(tag))) domains = unblockedDomains(snapshot, Number(m[1]), at);
    else if (tag === 'e_all') domains = [ROOT];
    else if ((m = /^e_(\d+)$/.exec(tag))) {
      const exam = snapshot.exams.find((e) => e.id === Number(m![1]))!;
      domains = clean(await store.domainsOfList(db, exam.allowListId));
    } else domains = BYPASS_DOMAINS;
    input.push({ tag, domains });
  }
  const chunks: string[] = [`# Maktab's local zones, serial ${serial}\n`];
  localZones(input, (chunk) => chunks.push(chunk));
  return { serial, text: chunks.join('') };
}

export { BYPASS_DOMAINS };

/** Notes the state a node has applied. */
export const recordApplied = store.recordApplied;

/**
 * Sets the addresses blocked names answer with: those of the Maktab node that serves the block page
 * (`BLOCK_PAGE=true`). Set by the operator (`maktab safety-block-address`); the resolvers take it on their next
 * sync, with every zone.
 */
export async function setBlockAddresses(db: Db, v4: string, v6: string): Promise<void> {
  if (!isIPv4(v4)) throw new Error(`not an IPv4 address: ${v4}`);
  if (!isIPv6(v6)) throw new Error(`not an IPv6 address: ${v6}`);
  await store.updateBlockAddresses(db, v4, v6);
}
