import type { Db } from '@/server/db/database';
import type { Locale } from '@/server/i18n';
import * as store from '@/modules/identity/identity.store';

/**
 * Human names for what the audit log's entries changed. An entry stores a kind (`entity`) and an id; a person
 * reading the log needs "5A, Informatics, first half" or "Aysel Məmmədova" instead. Each module that writes
 * entries of a kind registers a labeller for it (the identity module cannot read the others' tables): given the
 * ids of a page of entries, it answers their names in the reader's language, as parts the web app joins.
 * What no labeller names falls back on a title or name kept in the entry itself (a deleted thing, say).
 */
export type AuditLabeller = (db: Db, locale: Locale, ids: string[]) => Promise<Map<string, string[]>>;

const labellers = new Map<string, AuditLabeller>();

/** Registers the labeller of one or more kinds of entry (the `entity` the module writes). */
export function registerAuditLabeller(entities: string | string[], labeller: AuditLabeller): void {
  for (const entity of [entities].flat()) labellers.set(entity, labeller);
}

/** A number from an id or its first segment (`12`, `12/3`), or null. */
export function idPart(id: string, index = 0): number | null {
  const part = id.split('/')[index];
  return part && /^[1-9][0-9]{0,9}$/.test(part) ? Number(part) : null;
}

/** A title or name kept in the entry's own before/after, for what no labeller names. */
function fromEntry(entry: { before: unknown; after: unknown }): string[] {
  for (const side of [entry.after, entry.before]) {
    if (side === null || typeof side !== 'object' || Array.isArray(side)) continue;
    const record = side as Record<string, unknown>;
    for (const key of ['title', 'displayName', 'name', 'nameAz']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return [value.trim().slice(0, 200)];
    }
  }
  return [];
}

registerAuditLabeller('user', async (db, _locale, ids) => {
  const names = await store.displayNames(
    db,
    ids.map((id) => idPart(id)).filter((id): id is number => id !== null),
  );
  return new Map(ids.flatMap((id) => (names.has(idPart(id)!) ? [[id, [names.get(idPart(id)!)!]]] : [])));
});

/** The label of each entry of a page, by entry id: its labeller's answer, else what the entry itself keeps. */
export async function labelEntries(
  db: Db,
  locale: Locale,
  entries: { id: number; entity: string; entityId: string; before: unknown; after: unknown }[],
): Promise<Map<number, string[]>> {
  const byEntity = new Map<string, Set<string>>();
  for (const e of entries) {
    if (!labellers.has(e.entity)) continue;
    const ids = byEntity.get(e.entity) ?? new Set<string>();
    ids.add(e.entityId);
    byEntity.set(e.entity, ids);
  }
  const found = new Map<string, Map<string, string[]>>();
  await Promise.all(
    [...byEntity].map(async ([entity, ids]) => {
      found.set(entity, await labellers.get(entity)!(db, locale, [...ids]));
    }),
  );
  return new Map(
    entries.map((e) => {
      const named = found.get(e.entity)?.get(e.entityId);
      return [e.id, named && named.length > 0 ? named : fromEntry(e)];
    }),
  );
}
