import { answerFromSaved } from '@/web/offline/range';

/**
 * The service worker (built to `/sw.js`; see `vite.config.ts`). It is registered only when someone saves a
 * library resource for offline use, and it does three things, nothing more:
 *
 * - keeps the app shell (index.html and the built assets of this build) so the app opens with no network;
 *   the book readers (pdf.js and its worker, the EPUB reader: most of the build's bytes) only while a book
 *   is saved, since only a saved book needs them offline (the page asks for them when it saves one);
 * - answers the library files a person saved from the offline cache, Range requests included (a 206 slice of
 *   the saved copy), so a saved video plays and seeks, and a saved book opens, offline;
 * - answers a saved resource's description from that cache when the network fails, and `/api/me` with
 *   "signed out" when the network fails, so that the public pages open offline instead of an error.
 *
 * Every other request (the API, other files, other origins) goes to the network untouched. The shell cache is
 * named after this build and dropped when the next build's worker takes over; the offline cache keeps its
 * name across builds so what a person saved stays saved.
 */

/** The build's shell, written in front of this file by the build. */
const shell = (globalThis as { __MAKTAB_SHELL__?: { assets: string[]; onUse: string[]; version: string } })
  .__MAKTAB_SHELL__ ?? {
  assets: [],
  onUse: [],
  version: 'dev',
};
/** The types of the saved files a book reader opens. */
const BOOK_TYPES = ['application/pdf', 'application/epub+zip'];
const SHELL_CACHE = `maktab-shell-${shell.version}`;
/** Where saved resources live; the page writes it (`src/web/offline/store.ts`), with the same name. */
const OFFLINE_CACHE = 'maktab-offline-v1';

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  readonly location: Location;
}
const worker = globalThis as unknown as WorkerScope;

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // The readers only if a saved book needs them.
      const readers = (await bookSaved()) ? shell.onUse : [];
      // Built assets are named by their content: those an earlier build already kept are copied, not fetched.
      for (const url of [...shell.assets, ...readers]) {
        if (await cache.match(url)) continue;
        const kept = await caches.match(url);
        if (kept) await cache.put(url, kept);
      }
      const missing = [];
      for (const url of ['/', ...shell.assets, ...readers]) if (!(await cache.match(url))) missing.push(url);
      await cache.addAll(missing);
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('maktab-shell-') && name !== SHELL_CACHE) await caches.delete(name);
      }
      await worker.clients.claim();
    })(),
  );
});

const SAVED_FILE = /^\/api\/library\/files\/\d+$/;
const RESOURCE = /^\/api\/library\/resources\/\d+$/;

// The page saved a book: keep the readers, and answer on the port it sent once they are kept (or not).
worker.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type !== 'keep-readers') return;
  const port = event.ports[0];
  event.waitUntil(
    keepReaders().then(
      () => port?.postMessage({ kept: true }),
      () => port?.postMessage({ kept: false }),
    ),
  );
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  const path = url.pathname;
  if (request.mode === 'navigate' && !path.startsWith('/api/')) {
    event.respondWith(page(request));
  } else if (path.startsWith('/assets/')) {
    event.respondWith(asset(request));
  } else if (SAVED_FILE.test(path) && url.search === '') {
    event.respondWith(savedFile(request));
  } else if (RESOURCE.test(path) && url.search === '') {
    event.respondWith(savedResource(request));
  } else if (path === '/api/me') {
    event.respondWith(fetch(request).catch(() => signedOut()));
  }
});

/** A page: the network's answer, else the kept shell (the app's router shows the page). */
async function page(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const kept = await caches.match('/', { cacheName: SHELL_CACHE });
    if (kept) return kept;
    throw error;
  }
}

/** A built asset: never changes under its name, so the kept copy is as good as the network's. */
async function asset(request: Request): Promise<Response> {
  const kept = await caches.match(request, { cacheName: SHELL_CACHE });
  return kept ?? fetch(request);
}

/** Whether a PDF or EPUB book is among the saved files. */
async function bookSaved(): Promise<boolean> {
  const cache = await caches.open(OFFLINE_CACHE);
  for (const key of await cache.keys()) {
    if (!SAVED_FILE.test(new URL(key.url).pathname)) continue;
    const type = (await cache.match(key))?.headers.get('content-type') ?? '';
    if (BOOK_TYPES.some((t) => type.startsWith(t))) return true;
  }
  return false;
}

/** Keeps this build's book readers in the shell cache (those already there are not fetched again). */
async function keepReaders(): Promise<void> {
  const cache = await caches.open(SHELL_CACHE);
  const missing = [];
  for (const url of shell.onUse) if (!(await cache.match(url))) missing.push(url);
  await cache.addAll(missing);
}

/** A library file: the saved copy when there is one (a slice of it for a Range request), else the network. */
async function savedFile(request: Request): Promise<Response> {
  const saved = await caches.match(request.url, { cacheName: OFFLINE_CACHE, ignoreVary: true });
  if (!saved) return fetch(request);
  return answerFromSaved(request, saved);
}

/** A resource's description: the network's, else the copy saved with it. */
async function savedResource(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const saved = await caches.match(request.url, { cacheName: OFFLINE_CACHE, ignoreVary: true });
    if (saved) return saved;
    throw error;
  }
}

/** Offline, nobody is signed in: the public pages show, the rest ask to sign in once there is a network. */
function signedOut(): Response {
  return new Response(JSON.stringify({ error: { code: 'unauthenticated', message: '', details: [] } }), {
    status: 401,
    headers: { 'content-type': 'application/json' },
  });
}
