import { isIPv4, isIPv6 } from 'node:net';
import { allows, grantsOf, type Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as store from '@/modules/safety/safety.networks.store';
import * as places from '@/modules/safety/safety.policies.store';
import { coversPath, isMinistry, problem, refuseIf } from '@/modules/safety/safety.catalogue.service';
import type { NetworkBody, NetworkChangeBody } from '@/modules/safety/safety.networks.schema';

/**
 * Schools' address ranges on the education network, per kind (pupils, staff, guests): the director keeps the
 * school's own, a district's officer its schools', the ministry any. A range is validated (IPv4 or IPv6, no
 * bits after the prefix, not wider than a school needs) and may not overlap another: the refusal names the
 * other school only to a caller who may see it.
 */

// ---------------------------------------------------------------------------------------------------------
// Address ranges
// ---------------------------------------------------------------------------------------------------------

const v4ToBig = (a: string) => a.split('.').reduce((acc, o) => (acc << 8n) + BigInt(Number(o)), 0n);
const bigToV4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');

function v6ToBig(a: string): bigint {
  let s = a;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s)?.[1];
  if (v4) {
    const n = v4ToBig(v4);
    s = `${s.slice(0, -v4.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(`0x${g}`), 0n);
}

function bigToV6(n: bigint): string {
  const groups = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

/** The widest range one school's network may have. */
const WIDEST = { 4: 16, 6: 48 } as const;

/** An address range in its canonical form, or why it is not one (with the range meant, when bits are set past the prefix). */
export function parseCidr(
  input: string,
):
  { cidr: string } | { reason: 'cidr' | 'cidr_too_wide' } | { reason: 'cidr_host_bits'; suggestion: string } {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(input.trim());
  if (!m) return { reason: 'cidr' };
  const [, address, bits] = m as unknown as [string, string, string];
  const prefix = Number(bits);
  const family = isIPv4(address) ? 4 : isIPv6(address) && !address.includes('%') ? 6 : 0;
  if (family === 0) return { reason: 'cidr' };
  const width = family === 4 ? 32 : 128;
  if (prefix > width) return { reason: 'cidr' };
  if (prefix < WIDEST[family]) return { reason: 'cidr_too_wide' };
  const value = family === 4 ? v4ToBig(address) : v6ToBig(address);
  const host = (1n << BigInt(width - prefix)) - 1n;
  const base = value & ~host;
  const text = `${family === 4 ? bigToV4(base) : bigToV6(base)}/${prefix}`;
  if ((value & host) !== 0n) return { reason: 'cidr_host_bits', suggestion: text };
  return { cidr: text };
}

// ---------------------------------------------------------------------------------------------------------
// Reading and writing
// ---------------------------------------------------------------------------------------------------------

const SCHOOL_ROLES = ['admin', 'bureau', 'regional', 'director'] as const;

const out = (n: Awaited<ReturnType<typeof store.listNetworks>>[number]) => ({
  id: n.id,
  institutionId: n.institutionId,
  school: { az: n.nameAz, ru: n.nameRu, en: n.nameEn },
  kind: n.kind,
  cidr: n.cidr,
  note: n.note,
  version: n.version,
});

/** The networks the caller may see: all (the ministry), its areas' schools (a district), its school (a director). */
export async function listNetworks(db: Db, actor: Actor, institutionId?: number) {
  if (isMinistry(actor)) return { networks: (await store.listNetworks(db, { institutionId })).map(out) };
  const areaIds = grantsOf(actor, ['regional']).flatMap((g) => (g.areaId === null ? [] : [g.areaId]));
  const schoolIds = grantsOf(actor, ['director']).flatMap((g) =>
    g.institutionId === null ? [] : [g.institutionId],
  );
  const [byArea, bySchool] = await Promise.all([
    areaIds.length ? store.listNetworks(db, { areaIds, institutionId }) : [],
    schoolIds.length ? store.listNetworks(db, { institutionIds: schoolIds, institutionId }) : [],
  ]);
  const seen = new Set<number>();
  return {
    networks: [...byArea, ...bySchool].filter((n) => !seen.has(n.id) && seen.add(n.id)).map(out),
  };
}

const networkOut = async (db: Db, id: number) => {
  const n = await store.findNetwork(db, id);
  if (!n) throw notFound('safety_network');
  return out((await store.listNetworks(db, { institutionId: n.institutionId })).find((x) => x.id === id)!);
};

/** Whether the caller may keep this school's networks. */
async function mayKeep(db: Db, actor: Actor, institutionId: number) {
  const school = await places.schoolPlace(db, institutionId);
  if (!school) throw notFound('institution');
  return allows(actor, SCHOOL_ROLES, { kind: 'institution', institutionId, areaPath: school.areaPath });
}

async function checkRange(db: Db, actor: Actor, locale: Locale, cidr: string, exceptId: number | null) {
  const parsed = parseCidr(cidr);
  if (!('cidr' in parsed))
    refuseIf([
      problem(locale, 'cidr', parsed.reason, 'suggestion' in parsed ? { suggestion: parsed.suggestion } : {}),
    ]);
  const canonical = (parsed as { cidr: string }).cidr;
  await store.lockRanges(db);
  const [other] = await store.overlapping(db, canonical, exceptId);
  if (other) {
    const visible =
      coversPath(actor, other.areaPath) ||
      grantsOf(actor, ['director']).some((g) => g.institutionId === other.institutionId);
    throw visible
      ? new AppError(409, 'safetyAdmin.overlap', {
          cidr: other.cidr,
          school: locale === 'ru' ? other.nameRu : locale === 'en' ? other.nameEn : other.nameAz,
        })
      : new AppError(409, 'safetyAdmin.overlap_hidden');
  }
  return canonical;
}

export async function createNetwork(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  body: NetworkBody,
) {
  if (!(await mayKeep(db, actor, body.institutionId))) throw forbidden();
  const id = await db.transaction(async (tx) => {
    const cidr = await checkRange(tx, actor, locale, body.cidr, null);
    const row = await store.insertNetwork(tx, {
      institutionId: body.institutionId,
      kind: body.kind,
      cidr,
      note: body.note.trim(),
      updatedBy: ctx.actorId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'safety_network', entityId: row.id, after: row });
    return row.id;
  });
  return networkOut(db, id);
}

export async function updateNetwork(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  body: NetworkChangeBody,
) {
  await db.transaction(async (tx) => {
    const before = await store.findNetwork(tx, id, true);
    if (!before) throw notFound('safety_network');
    if (!(await mayKeep(tx, actor, before.institutionId))) throw forbidden();
    if (before.version !== body.version) throw staleVersion(body, await networkOut(tx, id));
    // A pupils' range relabelled would escape the pupils' filtering: only its district or the ministry may.
    if (before.kind === 'pupils' && body.kind !== 'pupils')
      await guardPupils(tx, actor, locale, before.institutionId, 'kind_from_pupils');
    const cidr = await checkRange(tx, actor, locale, body.cidr, id);
    const after = await store.updateNetwork(tx, id, body.version, {
      kind: body.kind,
      cidr,
      note: body.note.trim(),
      updatedBy: ctx.actorId,
    });
    if (!after) throw staleVersion(body, await networkOut(tx, id));
    await audit(tx, ctx, { action: 'update', entity: 'safety_network', entityId: id, before, after });
  });
  return networkOut(db, id);
}

/** Only the school's district or the ministry may take a pupils' range away from the pupils' filtering. */
async function guardPupils(db: Db, actor: Actor, locale: Locale, institutionId: number, rule: string) {
  const school = await places.schoolPlace(db, institutionId);
  if (!school || !coversPath(actor, school.areaPath)) refuseIf([problem(locale, 'kind', rule)]);
}

export async function deleteNetwork(
  db: Db,
  ctx: ChangeContext,
  actor: Actor,
  locale: Locale,
  id: number,
  version: number,
) {
  await db.transaction(async (tx) => {
    const before = await store.findNetwork(tx, id, true);
    if (!before) throw notFound('safety_network');
    if (!(await mayKeep(tx, actor, before.institutionId))) throw forbidden();
    // Removed, its addresses could come back as staff: the same rule as a change of kind.
    if (before.kind === 'pupils') await guardPupils(tx, actor, locale, before.institutionId, 'remove_pupils');
    if (before.version !== version || !(await store.deleteNetwork(tx, id, version)))
      throw staleVersion({ version }, await networkOut(tx, id));
    await audit(tx, ctx, { action: 'delete', entity: 'safety_network', entityId: id, before });
  });
}
