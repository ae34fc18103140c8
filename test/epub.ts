import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Small, real EPUB files for tests: a ZIP written here byte by byte (stored `mimetype` first, the rest
 * deflated), with an EPUB 3 package, a navigation document and XHTML chapters.
 */

/** One file of a ZIP: its name, its bytes, and whether to store it uncompressed. */
export interface ZipFile {
  name: string;
  data: Buffer | string;
  store?: boolean;
}

/** Writes a ZIP archive (no ZIP64, no data descriptors). */
export function zip(files: ZipFile[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const data = Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data, 'utf8');
    const body = f.store ? data : deflateRawSync(data);
    const name = Buffer.from(f.name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(f.store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(f.store ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A chapter: its title and its XHTML body (paragraphs and such, already marked up). */
export interface Chapter {
  title: string;
  body: string;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** The files of an EPUB 3 book, in order (`mimetype` first and stored), to change before zipping. */
export function epubFiles(book: { title: string; language: string; chapters: Chapter[] }): ZipFile[] {
  const chapters = book.chapters.map((c, i) => ({ ...c, href: `text/chapter-${i + 1}.xhtml` }));
  const xhtml = (title: string, body: string) =>
    `<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="${book.language}" xml:lang="${book.language}"><head><title>${escape(title)}</title><link rel="stylesheet" href="../style.css"/></head><body>${body}</body></html>`;
  return [
    { name: 'mimetype', data: 'application/epub+zip', store: true },
    {
      name: 'META-INF/container.xml',
      data: `<?xml version="1.0"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`,
    },
    {
      name: 'OEBPS/content.opf',
      data: `<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:maktab-test</dc:identifier><dc:title>${escape(book.title)}</dc:title><dc:language>${book.language}</dc:language></metadata><manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="css" href="style.css" media-type="text/css"/>${chapters.map((c, i) => `<item id="c${i + 1}" href="${c.href}" media-type="application/xhtml+xml"/>`).join('')}</manifest><spine>${chapters.map((_, i) => `<itemref idref="c${i + 1}"/>`).join('')}</spine></package>`,
    },
    {
      name: 'OEBPS/nav.xhtml',
      data: xhtml(
        book.title,
        `<nav epub:type="toc" id="toc"><h1>${escape(book.title)}</h1><ol>${chapters.map((c) => `<li><a href="${c.href}">${escape(c.title)}</a></li>`).join('')}</ol></nav>`,
      ),
    },
    { name: 'OEBPS/style.css', data: 'p { text-indent: 1em; }' },
    ...chapters.map((c) => ({
      name: `OEBPS/${c.href}`,
      data: xhtml(c.title, `<h1>${escape(c.title)}</h1>${c.body}`),
    })),
  ];
}

/** A whole EPUB 3 book. */
export function makeEpub(book: { title: string; language: string; chapters: Chapter[] }): Buffer {
  return zip(epubFiles(book));
}
