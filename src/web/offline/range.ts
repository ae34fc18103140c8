/**
 * The byte range a `Range` header asks of a file of `size` bytes, as the service worker answers it from a
 * saved copy: one range (`bytes=a-b`, `bytes=a-`, `bytes=-n`), `null` for the whole file (no header, several
 * ranges or another unit, which HTTP allows answering whole), or `'unsatisfiable'` (416).
 */
export function byteRange(
  header: string | null,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Answers a request from a saved, complete (200) response: the slice it asks for as a 206 with its
 * Content-Range, so that a saved video seeks and a saved book opens by range with no network at all.
 */
export async function answerFromSaved(request: Request, saved: Response): Promise<Response> {
  const header = request.headers.get('range');
  if (!header) return saved;
  const blob = await saved.blob();
  const range = byteRange(header, blob.size);
  const type = saved.headers.get('content-type') ?? 'application/octet-stream';
  if (range === null) {
    return new Response(blob, {
      status: 200,
      headers: { 'content-type': type, 'content-length': String(blob.size), 'accept-ranges': 'bytes' },
    });
  }
  if (range === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { 'content-range': `bytes */${blob.size}` } });
  }
  return new Response(blob.slice(range.start, range.end + 1), {
    status: 206,
    headers: {
      'content-type': type,
      'content-range': `bytes ${range.start}-${range.end}/${blob.size}`,
      'content-length': String(range.end - range.start + 1),
      'accept-ranges': 'bytes',
    },
  });
}
