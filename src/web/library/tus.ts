import { changeHeaders } from '@/web/api';

/**
 * A small tus 1.0 client (creation, PATCH with Upload-Offset, HEAD to resume) over XMLHttpRequest, whose upload
 * progress events fetch() does not give. tus-js-client would do the same in ~40 KB; the library needs only
 * this much. Each upload's address is kept on this device under the file's fingerprint, so choosing the same
 * file again after a dropped connection, a closed tab or a restarted phone continues where the server says it
 * stopped. A dropped request is retried from the server's offset a few times before the upload is left paused.
 */

const ENDPOINT = '/api/library/uploads';
const TUS = { 'tus-resumable': '1.0.0' };
/** Bytes per PATCH: small enough that a dropped link on 3G loses little, large enough to be few requests. */
export const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** Waits between retries of a dropped request, in ms. */
const RETRY_DELAYS = [500, 1500, 3000, 6000];

/** Why an upload stopped. `code` is the server's error code, or 'network' / 'aborted' / 'unknown'. */
export class UploadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly params: Record<string, unknown> = {},
    /** True when trying again later can succeed: the upload is kept and resumes from its offset. */
    readonly resumable = false,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export interface UploadOptions {
  file: File;
  resourceId: number;
  role: 'main' | 'caption' | 'transcript' | 'attachment';
  /** Bytes the server has, of the total, as they go. */
  onProgress?: (sent: number, total: number) => void;
  /** Called once when an earlier upload of the same file is found and continued. */
  onResume?: (offset: number) => void;
  signal?: AbortSignal;
  chunkSize?: number;
}

/** The key this device keeps an unfinished upload's address under. */
export function fingerprint(file: File, resourceId: number, role: string): string {
  return `maktab.upload:${resourceId}:${role}:${file.name}:${file.size}:${file.lastModified}`;
}

function remember(key: string, url: string | null): void {
  try {
    if (url) localStorage.setItem(key, url);
    else localStorage.removeItem(key);
  } catch {
    // Storage blocked: uploads still work, they only cannot resume after the page is closed.
  }
}

function recall(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Base64 of UTF-8 text, as Upload-Metadata wants (file names are often Azerbaijani or Russian). */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

interface Answer {
  status: number;
  header(name: string): string | null;
  body: string;
}

/** One request; rejects with 'network' when there is no answer and 'aborted' when the caller stopped it. */
function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Blob | null,
  signal: AbortSignal | undefined,
  onSent?: (loaded: number) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new UploadError('aborted', '', {}, true));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    const abort = () => xhr.abort();
    signal?.addEventListener('abort', abort);
    const done = () => signal?.removeEventListener('abort', abort);
    if (onSent) xhr.upload.onprogress = (event) => onSent(event.loaded);
    xhr.onload = () => {
      done();
      resolve({ status: xhr.status, header: (name) => xhr.getResponseHeader(name), body: xhr.responseText });
    };
    xhr.onerror = xhr.ontimeout = () => {
      done();
      reject(new UploadError('network', '', {}, true));
    };
    xhr.onabort = () => {
      done();
      reject(new UploadError('aborted', '', {}, true));
    };
    xhr.send(body);
  });
}

/** The server's refusal, in its one error shape. */
function refusal(answer: Answer): UploadError {
  try {
    const parsed = JSON.parse(answer.body) as {
      error?: { code?: string; message?: string; params?: Record<string, unknown> };
    };
    if (parsed.error?.code)
      return new UploadError(parsed.error.code, parsed.error.message ?? '', parsed.error.params ?? {});
  } catch {
    // Not our shape: a proxy's page, say.
  }
  return new UploadError('unknown', '', { status: answer.status });
}

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new UploadError('aborted', '', {}, true));
    });
  });

/** Where the server says an upload stands: its offset, or null when it no longer has it. */
async function offsetOf(url: string, signal?: AbortSignal): Promise<number | null> {
  const answer = await send('HEAD', url, { ...TUS }, null, signal);
  if (answer.status === 200 || answer.status === 204) {
    const offset = Number(answer.header('upload-offset'));
    return Number.isSafeInteger(offset) && offset >= 0 ? offset : null;
  }
  if (answer.status === 404 || answer.status === 410 || answer.status === 403) return null;
  throw refusal(answer);
}

/**
 * Uploads a file to a resource's role, resuming an earlier attempt at the same file when the server still has
 * it. Resolves with the new file's id; rejects with an UploadError (the server's refusal, or a pause).
 */
export async function upload(options: UploadOptions): Promise<{ fileId: number | null }> {
  const { file, resourceId, role, signal } = options;
  const chunk = options.chunkSize ?? DEFAULT_CHUNK;
  const key = fingerprint(file, resourceId, role);
  const progress = (n: number) => options.onProgress?.(Math.min(n, file.size), file.size);

  let url = recall(key);
  let offset = 0;
  if (url) {
    const known = await offsetOf(url, signal).catch((error: unknown) => {
      if (error instanceof UploadError && error.code === 'aborted') throw error;
      return null;
    });
    if (known === null) {
      remember(key, null);
      url = null;
    } else {
      offset = known;
      if (offset > 0) options.onResume?.(offset);
    }
  }
  if (!url) {
    const metadata = [
      `resourceId ${base64(String(resourceId))}`,
      `role ${base64(role)}`,
      `filename ${base64(file.name)}`,
    ].join(',');
    const created = await send(
      'POST',
      ENDPOINT,
      { ...TUS, ...changeHeaders(), 'upload-length': String(file.size), 'upload-metadata': metadata },
      null,
      signal,
    );
    if (created.status !== 201) throw refusal(created);
    const location = created.header('location');
    if (!location) throw new UploadError('unknown', '');
    url = new URL(location, window.location.href).pathname;
    remember(key, url);
  }
  progress(offset);

  let fileId: number | null = null;
  let failures = 0;
  while (offset < file.size) {
    const start = offset;
    let answer: Answer;
    try {
      answer = await send(
        'PATCH',
        url,
        {
          ...TUS,
          ...changeHeaders(),
          'upload-offset': String(start),
          'content-type': 'application/offset+octet-stream',
        },
        file.slice(start, start + chunk),
        signal,
        (loaded) => progress(start + loaded),
      );
    } catch (error) {
      if (!(error instanceof UploadError) || error.code !== 'network') throw error;
      answer = { status: 0, header: () => null, body: '' };
    }
    const reported = Number(answer.header('upload-offset'));
    // Accepted, and the server has more than before (a proxy that drops the body must not loop forever).
    if (answer.status === 204 && Number.isSafeInteger(reported) && reported > start) {
      offset = reported;
      const id = answer.header('x-library-file-id');
      if (id) fileId = Number(id);
      failures = 0;
      progress(offset);
      continue;
    }
    // The server refused the file (its kind, its size…): it deleted the upload; nothing can resume.
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 409 && answer.status !== 408) {
      remember(key, null);
      throw refusal(answer);
    }
    // Dropped or out of step: ask the server where it stands, and go on from there.
    if (failures >= RETRY_DELAYS.length) throw new UploadError('network', '', {}, true);
    await wait(RETRY_DELAYS[failures]!, signal);
    failures += 1;
    const known = await offsetOf(url, signal).catch((error: unknown) => {
      if (error instanceof UploadError && (error.code === 'network' || error.code === 'unknown'))
        return offset;
      throw error;
    });
    if (known === null) {
      remember(key, null);
      throw new UploadError('upload_gone', '');
    }
    offset = known;
    progress(offset);
  }
  remember(key, null);
  return { fileId };
}
