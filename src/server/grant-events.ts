import type { Db } from '@/server/db/database';

/**
 * A person's roles changed (a role granted or taken back): modules that keep something per school for the
 * people who work there follow, in the same transaction. The identity module announces; it does not know who
 * listens (training moves a teacher's competence levels to the school they teach at now). Listening is
 * registered once per listener, however many apps a process builds.
 */
export type GrantsListener = (tx: Db, userId: number) => Promise<void>;

const listeners = new Set<GrantsListener>();

/** Registers a listener (the same function twice is one listener). */
export function onGrantsChanged(listener: GrantsListener): void {
  listeners.add(listener);
}

/** Tells every listener that `userId`'s roles changed, inside the transaction that changed them. */
export async function grantsChanged(tx: Db, userId: number): Promise<void> {
  for (const listener of listeners) await listener(tx, userId);
}
