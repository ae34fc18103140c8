/**
 * Reading an EPUB in the browser without downloading it: the ZIP's central directory is read from the end of
 * the file with one Range request, then each chapter, stylesheet or picture with one more, inflated by the
 * browser's own `DecompressionStream`. No library: the ZIP reading an EPUB needs is a page of code, and the
 * book's bytes never have to be held whole (a textbook can be tens of megabytes on a metered link). When the
 * server (or a proxy) answers a range with the whole file, that answer is kept and read from instead.
 */

/** One file in the archive. */
interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

/** An EPUB's files, read on demand. */
export class RangeZip {
  private whole: Uint8Array | null = null;
  private constructor(
    private readonly url: string,
    private readonly size: number,
    readonly entries: Map<string, ZipEntry>,
  ) {}

  /** Opens the archive at `url` (of `size` bytes): reads its directory from its end. */
  static async open(url: string, size: number, signal?: AbortSignal): Promise<RangeZip> {
    const tailLength = Math.min(size, 22 + 0xffff);
    const first = await fetchRange(url, size - tailLength, size - 1, signal);
    const zip = new RangeZip(url, size, new Map());
    let tail = first.bytes;
    let tailStart = size - tailLength;
    if (first.whole) {
      zip.whole = first.bytes;
      tailStart = 0;
    }
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error('not a zip');
    const count = view.getUint16(eocd + 10, true);
    const cdSize = view.getUint32(eocd + 12, true);
    const cdOffset = view.getUint32(eocd + 16, true);
    if (cdOffset < tailStart) {
      // A directory larger than the tail read: read the rest of it.
      const more = await zip.bytes(cdOffset, tailStart - 1, signal);
      tail = concat(more, tail);
      tailStart = cdOffset;
    }
    const cd = tail.subarray(cdOffset - tailStart, cdOffset - tailStart + cdSize);
    const dv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
    const decoder = new TextDecoder();
    let p = 0;
    for (let n = 0; n < count && p + 46 <= cd.length; n++) {
      if (dv.getUint32(p, true) !== 0x02014b50) throw new Error('bad zip directory');
      const nameLength = dv.getUint16(p + 28, true);
      const name = decoder.decode(cd.subarray(p + 46, p + 46 + nameLength));
      zip.entries.set(name, {
        name,
        method: dv.getUint16(p + 10, true),
        compressedSize: dv.getUint32(p + 20, true),
        localOffset: dv.getUint32(p + 42, true),
      });
      p += 46 + nameLength + dv.getUint16(p + 30, true) + dv.getUint16(p + 32, true);
    }
    return zip;
  }

  /** Bytes `start`..`end` (inclusive) of the file, by range or from the whole file once it is here. */
  private async bytes(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.whole) return this.whole.subarray(start, end + 1);
    const got = await fetchRange(this.url, start, end, signal);
    if (got.whole) {
      this.whole = got.bytes;
      return got.bytes.subarray(start, end + 1);
    }
    return got.bytes;
  }

  /** Whether the archive holds a file. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** A file of the archive, uncompressed. */
  async read(name: string, signal?: AbortSignal): Promise<Uint8Array> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`not in the book: ${name}`);
    // The local header's name and extra field come before the data; read a little more than needed at once.
    const guess = 30 + name.length * 3 + 256 + entry.compressedSize;
    const end = Math.min(this.size - 1, entry.localOffset + guess - 1);
    let chunk = await this.bytes(entry.localOffset, end, signal);
    const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (dv.getUint32(0, true) !== 0x04034b50) throw new Error('bad zip entry');
    const dataStart = 30 + dv.getUint16(26, true) + dv.getUint16(28, true);
    if (dataStart + entry.compressedSize > chunk.length) {
      chunk = await this.bytes(
        entry.localOffset,
        entry.localOffset + dataStart + entry.compressedSize - 1,
        signal,
      );
    }
    const data = chunk.subarray(dataStart, dataStart + entry.compressedSize);
    if (entry.method === 0) return data;
    if (entry.method !== 8) throw new Error('unsupported compression');
    const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /** A file of the archive as text. */
  async text(name: string, signal?: AbortSignal): Promise<string> {
    return new TextDecoder().decode(await this.read(name, signal));
  }
}

async function fetchRange(
  url: string,
  start: number,
  end: number,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; whole: boolean }> {
  const response = await fetch(url, {
    headers: { range: `bytes=${start}-${end}` },
    credentials: 'same-origin',
    signal,
  });
  if (response.status !== 206 && response.status !== 200) throw new Error(`book ${response.status}`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), whole: response.status === 200 };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** An entry of the table of contents: where it goes (a path in the archive, maybe with `#fragment`). */
export interface TocEntry {
  label: string;
  href: string;
  children: TocEntry[];
}

/** What the reader needs of a book. */
export interface Book {
  title: string;
  language: string;
  /** The chapters in reading order (paths in the archive). */
  spine: string[];
  toc: TocEntry[];
  /** Media types by path, from the manifest. */
  types: Map<string, string>;
}

const OPF = 'http://www.idpf.org/2007/opf';
const DC = 'http://purl.org/dc/elements/1.1/';
const OPS = 'http://www.idpf.org/2007/ops';

function parseXml(text: string): Document {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) throw new Error('bad xml');
  return doc;
}

/** A path in the archive from a reference inside the file at `from` (URL rules; fragments kept). */
export function resolvePath(from: string, href: string): string {
  const url = new URL(href, `http://book.invalid/${from}`);
  return decodeURIComponent(url.pathname.slice(1)) + url.hash;
}

/** Reads the package: metadata, reading order, table of contents (EPUB 3 navigation, else EPUB 2 NCX). */
export async function openBook(zip: RangeZip, signal?: AbortSignal): Promise<Book> {
  const container = parseXml(await zip.text('META-INF/container.xml', signal));
  const opfPath = container.getElementsByTagName('rootfile')[0]?.getAttribute('full-path');
  if (!opfPath) throw new Error('no package');
  const opf = parseXml(await zip.text(opfPath, signal));
  const title = opf.getElementsByTagNameNS(DC, 'title')[0]?.textContent?.trim() ?? '';
  const language = opf.getElementsByTagNameNS(DC, 'language')[0]?.textContent?.trim() ?? '';
  const items = new Map<string, { path: string; type: string; properties: string }>();
  const types = new Map<string, string>();
  for (const item of Array.from(opf.getElementsByTagNameNS(OPF, 'item'))) {
    const path = resolvePath(opfPath, item.getAttribute('href') ?? '');
    const type = item.getAttribute('media-type') ?? '';
    items.set(item.getAttribute('id') ?? '', {
      path,
      type,
      properties: item.getAttribute('properties') ?? '',
    });
    types.set(path, type);
  }
  const spineElement = opf.getElementsByTagNameNS(OPF, 'spine')[0];
  const spine = Array.from(opf.getElementsByTagNameNS(OPF, 'itemref'))
    .filter((ref) => ref.getAttribute('linear') !== 'no')
    .map((ref) => items.get(ref.getAttribute('idref') ?? '')?.path)
    .filter((p): p is string => p !== undefined && zip.has(p));
  if (spine.length === 0) throw new Error('no chapters');

  let toc: TocEntry[] = [];
  const nav = [...items.values()].find((i) => i.properties.split(/\s+/).includes('nav'));
  if (nav && zip.has(nav.path)) {
    const doc = new DOMParser().parseFromString(await zip.text(nav.path, signal), 'application/xhtml+xml');
    const navs = Array.from(doc.getElementsByTagName('nav'));
    const tocNav =
      navs.find((n) =>
        (n.getAttributeNS(OPS, 'type') ?? n.getAttribute('epub:type') ?? '').includes('toc'),
      ) ?? navs[0];
    const list = tocNav ? Array.from(tocNav.children).find((c) => c.localName === 'ol') : undefined;
    if (list) toc = navList(list, nav.path);
  }
  const ncxId = spineElement?.getAttribute('toc');
  const ncx = ncxId
    ? items.get(ncxId)
    : [...items.values()].find((i) => i.type === 'application/x-dtbncx+xml');
  if (toc.length === 0 && ncx && zip.has(ncx.path)) {
    const doc = parseXml(await zip.text(ncx.path, signal));
    const map = doc.getElementsByTagName('navMap')[0];
    if (map) toc = ncxPoints(map, ncx.path);
  }
  return { title, language, spine, toc, types };
}

function navList(ol: Element, base: string): TocEntry[] {
  const out: TocEntry[] = [];
  for (const li of Array.from(ol.children)) {
    if (li.localName !== 'li') continue;
    const label = Array.from(li.children).find((c) => c.localName === 'a' || c.localName === 'span');
    const sub = Array.from(li.children).find((c) => c.localName === 'ol');
    const href = label?.getAttribute('href');
    out.push({
      label: (label?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      href: href ? resolvePath(base, href) : '',
      children: sub ? navList(sub, base) : [],
    });
  }
  return out;
}

function ncxPoints(parent: Element, base: string): TocEntry[] {
  return Array.from(parent.children)
    .filter((c) => c.localName === 'navPoint')
    .map((point) => {
      const label = point.getElementsByTagName('text')[0]?.textContent ?? '';
      const src = point.getElementsByTagName('content')[0]?.getAttribute('src') ?? '';
      return {
        label: label.replace(/\s+/g, ' ').trim(),
        href: src ? resolvePath(base, src) : '',
        children: ncxPoints(point, base),
      };
    });
}

const EXTENSION_TYPES: Record<string, string> = {
  css: 'text/css',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  webp: 'image/webp',
  otf: 'font/otf',
  ttf: 'font/ttf',
  woff: 'font/woff',
  woff2: 'font/woff2',
};

/**
 * A chapter made safe to show: scripts, frames, forms, event handlers and `javascript:` links removed (the
 * frame it is shown in runs no script anyway), every picture, stylesheet and font replaced by a `blob:` URL
 * of its bytes from the archive, and a Content-Security-Policy that lets the page load nothing from the
 * network. Returns the HTML for the frame and the URLs to revoke when the chapter is left.
 */
export async function chapterHtml(
  zip: RangeZip,
  book: Book,
  path: string,
  style: string,
  signal?: AbortSignal,
): Promise<{ html: string; urls: string[]; title: string }> {
  const source = await zip.text(path, signal);
  let doc = new DOMParser().parseFromString(source, 'application/xhtml+xml');
  if (doc.getElementsByTagName('parsererror').length > 0)
    doc = new DOMParser().parseFromString(source, 'text/html');
  const urls: string[] = [];
  const blobs = new Map<string, string>();
  const blobOf = async (target: string): Promise<string | null> => {
    const clean = target.split('#')[0]!;
    if (!zip.has(clean)) return null;
    const known = blobs.get(clean);
    if (known) return known;
    let bytes: Uint8Array = await zip.read(clean, signal);
    const type = book.types.get(clean) || EXTENSION_TYPES[clean.split('.').pop()!.toLowerCase()] || '';
    if (type === 'text/css')
      bytes = new TextEncoder().encode(await cssWithBlobs(new TextDecoder().decode(bytes), clean));
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
    urls.push(url);
    blobs.set(clean, url);
    return url;
  };
  const cssWithBlobs = async (css: string, from: string): Promise<string> => {
    const refs = [...css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)];
    for (const m of refs) {
      const ref = m[2]!;
      if (/^(data|blob):/.test(ref)) continue;
      const url = /^[a-z]+:/i.test(ref) ? null : await blobOf(resolvePath(from, ref));
      css = css.replace(m[0], url ? `url("${url}")` : 'none');
    }
    return css;
  };

  for (const bad of Array.from(
    doc.querySelectorAll('script, iframe, frame, object, embed, form, base, meta'),
  )) {
    bad.remove();
  }
  for (const element of Array.from(doc.getElementsByTagName('*'))) {
    for (const attribute of Array.from(element.attributes)) {
      if (/^on/i.test(attribute.name)) element.removeAttribute(attribute.name);
    }
  }
  for (const link of Array.from(doc.querySelectorAll('link'))) {
    const href = link.getAttribute('href');
    const isSheet = (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).includes('stylesheet');
    const url = isSheet && href && !/^[a-z]+:/i.test(href) ? await blobOf(resolvePath(path, href)) : null;
    if (url) link.setAttribute('href', url);
    else link.remove();
  }
  for (const element of Array.from(doc.querySelectorAll('[src], image, use'))) {
    for (const name of ['src', 'href', 'xlink:href']) {
      const value = element.getAttribute(name);
      if (!value || (name !== 'src' && element.localName !== 'image' && element.localName !== 'use'))
        continue;
      if (/^(data|blob):/.test(value)) continue;
      const url = /^[a-z]+:/i.test(value) ? null : await blobOf(resolvePath(path, value));
      if (url) element.setAttribute(name, url);
      else element.removeAttribute(name);
    }
    element.removeAttribute('srcset');
  }
  for (const styleElement of Array.from(doc.querySelectorAll('style'))) {
    styleElement.textContent = await cssWithBlobs(styleElement.textContent ?? '', path);
  }
  for (const a of Array.from(doc.querySelectorAll('a[href]'))) {
    const href = a.getAttribute('href')!;
    if (/^\s*javascript:/i.test(href)) a.removeAttribute('href');
    else if (!/^[a-z]+:/i.test(href)) a.setAttribute('data-book-href', resolvePath(path, href));
  }

  const root = doc.documentElement;
  if (!root.getAttribute('lang') && book.language) root.setAttribute('lang', book.language);
  let head: Element | null = doc.querySelector('head');
  if (!head) {
    head = doc.createElementNS(root.namespaceURI, 'head');
    root.insertBefore(head, root.firstChild);
  }
  const csp = doc.createElementNS(root.namespaceURI, 'meta');
  csp.setAttribute('http-equiv', 'Content-Security-Policy');
  csp.setAttribute(
    'content',
    "default-src 'none'; img-src blob: data:; style-src blob: 'unsafe-inline'; font-src blob: data:",
  );
  head.insertBefore(csp, head.firstChild);
  const own = doc.createElementNS(root.namespaceURI, 'style');
  own.textContent = style;
  head.appendChild(own);
  const title =
    doc.querySelector('title')?.textContent?.trim() || doc.querySelector('h1, h2')?.textContent?.trim() || '';
  const html =
    doc instanceof XMLDocument || doc.contentType === 'application/xhtml+xml'
      ? new XMLSerializer().serializeToString(root)
      : root.outerHTML;
  return { html: `<!DOCTYPE html>${html}`, urls, title };
}
