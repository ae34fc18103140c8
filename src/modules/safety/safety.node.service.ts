import { isIPv4, isIPv6 } from 'node:net';
import type { Db } from '@/server/db/database';
import { AppError } from '@/server/errors';
import { effectivePolicy, lessonWindowsOf, type NetworkKind } from '@/modules/safety/safety.effective';
import {
  BYPASS_DOMAINS,
  SAFE_SEARCH,
  TAG,
  bypassZone,
  byPrecedence,
  domainZone,
  blockAllZone,
  normaliseDomain,
  safeSearchZone,
  serialOf,
  tagConfiguration,
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
    // A tag whose zone cannot be made (a list or category deleted meanwhile) is left out.
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

/** A fingerprint of a zone's content, from the rows' serials (no domains read); null for an unknown tag. */
function fingerprintOf(snapshot: store.EngineSnapshot, tag: string, at: Date): string | null {
  if (!TAG.test(tag)) return null;
  const { blockAddressV4: v4, blockAddressV6: v6 } = snapshot.settings;
  let m: RegExpExecArray | null;
  if ((m = /^([cn])_(.+)$/.exec(tag))) {
    const category = snapshot.categories.get(m[2]!);
    return category ? `${tag}|${category.fingerprint}|${m[1] === 'c' ? `${v4}|${v6}` : ''}` : null;
  }
  if ((m = /^(n?l|a)_(\d+)$/.exec(tag))) {
    const list = snapshot.lists.get(Number(m[2]));
    if (!list || list.kind !== (m[1] === 'a' ? 'allow' : 'block')) return null;
    return `${tag}|${list.serial}|${m[1] === 'l' ? `${v4}|${v6}` : ''}`;
  }
  if ((m = /^x_(\d+)$/.exec(tag))) return `${tag}|${unblockedDomains(snapshot, Number(m[1]), at).join(',')}`;
  if (tag === 'e_all') return blockAllZone(v4, v6);
  if ((m = /^e_(\d+)$/.exec(tag))) {
    const exam = snapshot.exams.find((e) => e.id === Number(m![1]));
    const list = exam && snapshot.lists.get(exam.allowListId);
    return exam && list ? `${tag}|${exam.version}|${list.serial}|${v4}|${v6}` : null;
  }
  if (tag in SAFE_SEARCH) return safeSearchZone(tag);
  if (tag === 'bypass') return bypassZone();
  return null;
}

/** The state every node applies now: the zones in use with their serials and the tag configuration. */
export async function nodeState(db: Db, at: Date): Promise<NodeState> {
  const snapshot = await store.readSnapshot(db, at);
  const ranges = taggedRanges(snapshot, at);
  const tags = [...new Set(ranges.flatMap((r) => r.tags))].sort(byPrecedence);
  const zones = tags.map((name) => ({ name, serial: serialOf(fingerprintOf(snapshot, name, at)!) }));
  const config = tagConfiguration(ranges, DIR_PLACEHOLDER);
  const serial = serialOf(`${config}\n${zones.map((z) => `${z.name}=${z.serial}`).join('\n')}`);
  return { serial, zones, config, settings: snapshot.settings };
}

const unknownZone = () => new AppError(404, 'safety.zone.unknown');

/** A zone's text and serial; 404 for a tag no zone has. */
export async function zoneText(db: Db, tag: string, at: Date): Promise<{ serial: number; text: string }> {
  const snapshot = await store.readSnapshot(db, at);
  const fingerprint = fingerprintOf(snapshot, tag, at);
  if (fingerprint === null) throw unknownZone();
  const serial = serialOf(fingerprint);
  const { blockAddressV4: v4, blockAddressV6: v6 } = snapshot.settings;
  const clean = (domains: string[]) =>
    [...new Set(domains.map(normaliseDomain).filter((d): d is string => d !== null))].sort();
  let m: RegExpExecArray | null;
  let text: string;
  if ((m = /^([cn])_(.+)$/.exec(tag))) {
    const domains = clean(await store.categoryDomains(db, snapshot.categories.get(m[2]!)!.id));
    text = domainZone(serial, domains, m[1] === 'c' ? { kind: 'address', v4, v6 } : { kind: 'nxdomain' });
  } else if ((m = /^(n?l|a)_(\d+)$/.exec(tag))) {
    const domains = clean(await store.domainsOfList(db, Number(m[2])));
    const kind = m[1];
    text = domainZone(
      serial,
      domains,
      kind === 'a' ? { kind: 'passthru' } : kind === 'l' ? { kind: 'address', v4, v6 } : { kind: 'nxdomain' },
    );
  } else if ((m = /^x_(\d+)$/.exec(tag))) {
    text = domainZone(serial, unblockedDomains(snapshot, Number(m[1]), at), { kind: 'passthru' });
  } else if ((m = /^e_(\d+)$/.exec(tag))) {
    const exam = snapshot.exams.find((e) => e.id === Number(m![1]))!;
    text = domainZone(serial, clean(await store.domainsOfList(db, exam.allowListId)), { kind: 'passthru' });
  } else {
    text = fingerprint; // SafeSearch, bypass, e_all: the fingerprint is the text.
  }
  return { serial, text };
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
