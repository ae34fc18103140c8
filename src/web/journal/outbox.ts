import { useEffect, useSyncExternalStore } from 'react';
import { api, ApiError } from '@/web/api';
import {
  EMPTY,
  enqueue,
  parse,
  refuse,
  requestOf,
  settle,
  type GroupKey,
  type OutboxState,
  type PendingGroup,
} from '@/web/journal/outbox-core';
import type { EntriesResult, EntryInput } from '@/web/journal/types';

/**
 * The outbox in the browser. A teacher's saved marks go here first (localStorage, per account, so they
 * survive a reload and a lost connection and are not shown to the next person on a shared computer), then to
 * the server: at once, when the browser says it is back online, and on a timer that backs off while the
 * server cannot be reached. Nothing is sent twice at the same time.
 */

const PREFIX = 'maktab.journal.outbox.';
const listeners = new Set<() => void>();
const cache = new Map<number, { text: string | null; state: OutboxState }>();
let stampCounter = 0;
let sending: Promise<void> | null = null;
/** Raised whenever the server confirmed something, so pages refetch what they show. */
let confirmed = 0;

function storageKey(userId: number): string {
  return `${PREFIX}${userId}`;
}

function read(userId: number): OutboxState {
  let text: string | null = null;
  try {
    text = localStorage.getItem(storageKey(userId));
  } catch {
    text = null;
  }
  const cached = cache.get(userId);
  if (cached && cached.text === text) return cached.state;
  const state = parse(text);
  cache.set(userId, { text, state });
  return state;
}

function write(userId: number, state: OutboxState): void {
  const empty = state.groups.length === 0 && state.conflicts.length === 0;
  const text = empty ? null : JSON.stringify(state);
  try {
    if (text === null) localStorage.removeItem(storageKey(userId));
    else localStorage.setItem(storageKey(userId), text);
  } catch {
    // Storage full or blocked: the state is still kept for this page's life.
  }
  cache.set(userId, { text, state });
  for (const listener of listeners) listener();
}

/** Changes the outbox of a person. */
export function update(userId: number, change: (state: OutboxState) => OutboxState): void {
  write(userId, change(read(userId)));
}

/** A stamp newer than every earlier one on this page (and, as it starts from the clock, than earlier pages). */
export function nextStamp(): number {
  stampCounter = Math.max(stampCounter + 1, Date.now());
  return stampCounter;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key?.startsWith(PREFIX)) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The person's outbox, re-rendering on every change (in this tab or another). */
export function useOutbox(userId: number): OutboxState {
  return useSyncExternalStore(
    subscribe,
    () => read(userId),
    () => EMPTY,
  );
}

/** How many times the server confirmed changes: a page refetches when it moves. */
export function useConfirmed(): number {
  return useSyncExternalStore(
    subscribe,
    () => confirmed,
    () => 0,
  );
}

/** Puts changes in the outbox and tries to send them. */
export function save(userId: number, key: GroupKey, entries: EntryInput[], correctionReason?: string): void {
  update(userId, (state) => enqueue(state, key, entries, nextStamp(), correctionReason));
  void flush(userId);
}

function path(group: GroupKey): string {
  return `/journal/classes/${group.classId}/subjects/${encodeURIComponent(group.subjectCode)}/entries`;
}

/** Whether a failure is the connection's or the server's (try later) rather than a refusal. */
function transient(error: unknown): boolean {
  return !(error instanceof ApiError) || error.status === 0 || error.status === 401 || error.status >= 500;
}

async function sendAll(userId: number): Promise<boolean> {
  let failed = false;
  for (const group of read(userId).groups) {
    if (group.problem || group.cells.length === 0) continue;
    const sent: PendingGroup = group;
    try {
      const result = await api<EntriesResult>(path(sent), { method: 'POST', body: requestOf(sent) });
      update(userId, (state) => settle(state, sent, result));
      confirmed += 1;
      for (const listener of listeners) listener();
    } catch (error) {
      if (transient(error)) {
        failed = true;
        break;
      }
      const e = error as ApiError;
      update(userId, (state) => refuse(state, sent, { status: e.status, code: e.code, message: e.message }));
    }
  }
  return !failed;
}

/**
 * Sends everything that can be sent; resolves true when nothing is left that a retry could send. A call
 * while a send is under way waits for it and then sends what was added meanwhile.
 */
export async function flush(userId: number): Promise<boolean> {
  while (sending) await sending;
  let ok = true;
  sending = sendAll(userId).then((result) => {
    ok = result;
  });
  try {
    await sending;
  } finally {
    sending = null;
  }
  return ok && !read(userId).groups.some((g) => !g.problem && g.cells.length > 0);
}

/**
 * Keeps the outbox moving while a page that writes marks is open: sends when the browser comes back
 * online, and retries every 5 s, doubling up to a minute, while something is waiting.
 */
export function useSync(userId: number): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = 5_000;
    let stopped = false;
    const waiting = () => read(userId).groups.some((g) => !g.problem && g.cells.length > 0);
    const schedule = () => {
      if (stopped || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void run();
      }, delay);
    };
    const run = async () => {
      const done = await flush(userId);
      if (stopped) return;
      if (done) delay = 5_000;
      else {
        schedule();
        delay = Math.min(delay * 2, 60_000);
      }
    };
    const online = () => {
      clearTimeout(timer);
      timer = undefined;
      delay = 5_000;
      void run();
    };
    window.addEventListener('online', online);
    // Something new waits (saved while offline, or a conflict resolved): make sure a retry is planned.
    const unsubscribe = subscribe(() => {
      if (waiting()) schedule();
    });
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      window.removeEventListener('online', online);
      unsubscribe();
    };
  }, [userId]);
}
