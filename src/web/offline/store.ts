import type { Static } from 'typebox';
import type { ResourceView } from '@/modules/library/library.schema';

/**
 * What this device keeps for offline use, in the Cache API (the service worker, `src/web/sw.ts`, answers
 * from the same cache): each saved resource's files, its description as the API gave it, and a small record
 * of what was saved (`/offline-saved/<id>`), read by the "Saved for offline" page. The cache keeps its name
 * across app versions, so what was saved stays saved when the app is updated.
 */

type Resource = Static<typeof ResourceView>;
/** A file of a resource, as the API describes it. */
export type FileInfo = Resource['files'][number];

/** The cache saved resources live in (the service worker reads the same name). */
export const OFFLINE_CACHE = 'maktab-offline-v1';
const RECORD_PREFIX = '/offline-saved/';

/** What was saved of one resource. */
export interface SavedResource {
  id: number;
  title: string;
  type: Resource['type'];
  savedAt: string;
  files: { id: number; url: string; sizeBytes: number; role: FileInfo['role']; variant: string | null }[];
}

/** A saved resource as the list shows it: whether every file is still there, and the bytes it takes. */
export interface SavedEntry extends SavedResource {
  complete: boolean;
  bytes: number;
}

/** Whether this browser can save for offline use (service workers need a secure context or localhost). */
export function offlineSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    'serviceWorker' in navigator &&
    'caches' in window &&
    window.isSecureContext
  );
}

/**
 * Registers the service worker if it is not yet, and waits until it controls this page: only then are saved
 * files answered from the cache.
 */
export async function ensureWorker(): Promise<void> {
  const registration = await navigator.serviceWorker.register('/sw.js');
  await navigator.serviceWorker.ready;
  if (navigator.serviceWorker.controller) return;
  // The worker claims open pages when it activates; wait for that (a fresh install takes a moment).
  await new Promise<void>((resolve) => {
    const done = () => {
      navigator.serviceWorker.removeEventListener('controllerchange', done);
      resolve();
    };
    navigator.serviceWorker.addEventListener('controllerchange', done);
    if (navigator.serviceWorker.controller) done();
    void registration.update().catch(() => undefined);
  });
}

/** The types of file a book reader opens: saving one keeps the reader too. */
const BOOK_TYPES = ['application/pdf', 'application/epub+zip'];

/**
 * Asks the service worker to keep the book readers (pdf.js, the EPUB reader), which it does not keep for the
 * app shell, so that a saved book opens offline; waits until they are kept.
 */
async function keepReaders(): Promise<void> {
  const worker = navigator.serviceWorker.controller;
  if (!worker) throw new Error('no service worker');
  const channel = new MessageChannel();
  const answer = new Promise<{ kept: boolean }>((resolve) => {
    channel.port1.onmessage = (event: MessageEvent<{ kept: boolean }>) => resolve(event.data);
  });
  worker.postMessage({ type: 'keep-readers' }, [channel.port2]);
  if (!(await answer).kept) throw new Error('the book reader could not be kept');
}

/** The files to save for a resource: the rendition the viewer chose (or given), else the main file; and its poster. */
export function filesToSave(resource: Resource, media?: FileInfo): FileInfo[] {
  const main = resource.files.find((f) => f.role === 'main');
  const chosen = media ?? defaultMedia(resource) ?? main;
  const poster = resource.files.find((f) => f.role === 'thumbnail');
  const files = chosen ? [chosen] : [];
  if (poster && chosen && chosen.role !== 'audio' && chosen.contentType.startsWith('video/'))
    files.push(poster);
  return files;
}

/** Where the player keeps the quality last chosen on this device (`portal.tsx`). */
const QUALITY_KEY = 'maktab.videoQuality';

/**
 * The rendition the player would play on this device: the quality chosen last, else the smallest — for
 * saving a whole collection, where there is no player to ask.
 */
export function defaultMedia(resource: Resource): FileInfo | undefined {
  const renditions = resource.files
    .filter((f) => f.role === 'rendition' && f.height !== null)
    .sort((a, b) => a.height! - b.height!);
  const audio = resource.files.find((f) => f.role === 'audio');
  let chosen = '';
  try {
    chosen = localStorage.getItem(QUALITY_KEY) ?? '';
  } catch {
    // No storage: the smallest.
  }
  if (chosen === 'audio' && audio) return audio;
  return renditions.find((f) => f.variant === chosen) ?? renditions[0];
}

/** The bytes saving a resource takes (what is already saved is not fetched again, but counted here). */
export const bytesOf = (files: { sizeBytes: number }[]) => files.reduce((n, f) => n + f.sizeBytes, 0);

/**
 * Saves a resource for offline use: its description and the given files, streamed into the cache (a large
 * video is never held in memory whole). Calls `progress` with the bytes received so far. Files already saved
 * (by another resource or an earlier save) are not fetched again.
 */
export async function saveResource(
  resource: Resource,
  files: FileInfo[],
  progress: (bytes: number) => void = () => {},
  signal?: AbortSignal,
): Promise<void> {
  await ensureWorker();
  // Ask the browser not to clear what a person saved on purpose when space runs low (it may say no).
  void navigator.storage?.persist?.().catch(() => false);
  const cache = await caches.open(OFFLINE_CACHE);
  const description = await fetch(`/api/library/resources/${resource.id}`, {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
    signal,
  });
  if (!description.ok) throw new Error(`resource ${description.status}`);
  let received = 0;
  for (const file of files) {
    if (await cache.match(file.url)) {
      received += file.sizeBytes;
      progress(received);
      continue;
    }
    const response = await fetch(file.url, { credentials: 'same-origin', signal });
    if (response.status !== 200 || !response.body) throw new Error(`file ${response.status}`);
    const [kept, counted] = response.body.tee();
    const stored = cache.put(file.url, new Response(kept, { status: 200, headers: response.headers }));
    const reader = counted.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      progress(received);
    }
    await stored;
  }
  if (files.some((f) => BOOK_TYPES.includes(f.contentType))) await keepReaders();
  await cache.put(`/api/library/resources/${resource.id}`, description);
  const record: SavedResource = {
    id: resource.id,
    title: resource.title,
    type: resource.type,
    savedAt: new Date().toISOString(),
    files: files.map((f) => ({
      id: f.id,
      url: f.url,
      sizeBytes: f.sizeBytes,
      role: f.role,
      variant: f.variant,
    })),
  };
  // A new choice (another quality) replaces the old: its files go, unless another saved resource uses them.
  const previous = await savedRecord(resource.id);
  if (previous) {
    const others = (await listSaved()).filter((e) => e.id !== resource.id);
    const keep = new Set([...files.map((f) => f.url), ...others.flatMap((e) => e.files.map((f) => f.url))]);
    for (const f of previous.files) if (!keep.has(f.url)) await cache.delete(f.url);
  }
  await cache.put(
    `${RECORD_PREFIX}${resource.id}`,
    new Response(JSON.stringify(record), { headers: { 'content-type': 'application/json' } }),
  );
}

/** The resources saved on this device, newest first, each checked for its files. */
export async function listSaved(): Promise<SavedEntry[]> {
  if (!('caches' in window)) return [];
  const cache = await caches.open(OFFLINE_CACHE);
  const keys = await cache.keys();
  const present = new Set(keys.map((k) => new URL(k.url).pathname));
  const entries: SavedEntry[] = [];
  for (const key of keys) {
    if (!new URL(key.url).pathname.startsWith(RECORD_PREFIX)) continue;
    const record = (await (await cache.match(key))?.json()) as SavedResource | undefined;
    if (!record) continue;
    entries.push({
      ...record,
      complete: record.files.every((f) => present.has(f.url)),
      bytes: bytesOf(record.files),
    });
  }
  return entries.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

/** What was saved of one resource, or null. */
export async function savedRecord(id: number): Promise<SavedResource | null> {
  if (!('caches' in window)) return null;
  const response = await caches.match(`${RECORD_PREFIX}${id}`, { cacheName: OFFLINE_CACHE });
  return response ? ((await response.json()) as SavedResource) : null;
}

/** Removes a saved resource: its record, its description, and its files no other saved resource uses. */
export async function removeSaved(id: number): Promise<void> {
  const cache = await caches.open(OFFLINE_CACHE);
  const all = await listSaved();
  const gone = all.find((e) => e.id === id);
  if (!gone) return;
  const stillUsed = new Set(all.filter((e) => e.id !== id).flatMap((e) => e.files.map((f) => f.url)));
  for (const f of gone.files) if (!stillUsed.has(f.url)) await cache.delete(f.url);
  await cache.delete(`/api/library/resources/${id}`);
  await cache.delete(`${RECORD_PREFIX}${id}`);
}

/** How much this site stores and may store on this device (the browser's estimate), when it says. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  try {
    const e = await navigator.storage?.estimate?.();
    return e && e.usage !== undefined && e.quota !== undefined ? { usage: e.usage, quota: e.quota } : null;
  } catch {
    return null;
  }
}
